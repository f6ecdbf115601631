import { describe, expect, it } from 'vitest';
import { EmbeddedFollowUpGenerator, MAX_FOLLOW_UPS, localizeBusinessQuestion } from '../../src/scoring/follow-up.js';
import type { ConversationTurn } from '../../src/scoring/types.js';
import { assistant, cafeContext, customer, RICH_EN, RICH_SV } from './helpers.js';

const gen = new EmbeddedFollowUpGenerator();
const next = (turns: ConversationTurn[], askedSoFar = 0, context = cafeContext()) => gen.nextQuestion({ turns, context, askedSoFar });

describe('EmbeddedFollowUpGenerator', () => {
  it('asks at most two follow-ups', async () => {
    expect(MAX_FOLLOW_UPS).toBe(2);
    const turns = [assistant('Hur var besöket?'), customer('Bra.')];
    expect(await next(turns, 0)).not.toBeNull();
    expect(await next(turns, 1)).not.toBeNull();
    expect(await next(turns, 2)).toBeNull();
    expect(await next(turns, 3)).toBeNull();
  });

  it('waits for the first customer answer', async () => {
    expect(await next([assistant('Hur var besöket?')])).toBeNull();
    expect(await next([customer('   ')])).toBeNull();
  });

  it("prefers the business's unanswered questions, in order, with their questionId", async () => {
    const q = await next([customer('Personalen var trevlig.')]);
    expect(q).toEqual({ text: 'Hur smakade kaffet?', questionId: 'q-coffee', language: 'sv' });
  });

  it('skips questions already answered or already asked', async () => {
    const answered = await next([customer('Kaffet var gott men lite beskt.')]);
    expect(answered?.questionId).toBe('q-seating');
    const asked = await next([customer('Personalen var trevlig.'), assistant('Hur smakade kaffet?', 'q-coffee'), customer('Vet inte.')], 1);
    expect(asked?.questionId).toBe('q-seating');
  });

  it('then asks for detail about the most-mentioned category that lacks concreteness', async () => {
    const context = cafeContext({ questions: [] });
    const q = await next([customer('Lång kö och vi väntade länge, men personalen var trevlig.')], 0, context);
    expect(q?.questionId).toBeUndefined();
    expect(q?.text).toMatch(/hur länge/i);
  });

  it('returns null when the feedback is already rich', async () => {
    const context = cafeContext({ questions: [] });
    expect(await next([customer(RICH_SV)], 0, context)).toBeNull();
    expect(await next([customer(RICH_EN)], 1, context)).toBeNull();
  });

  it("answers in the customer's language, Swedish by default", async () => {
    const context = cafeContext({ questions: [] });
    expect((await next([customer('The music was far too loud.')], 0, context))?.language).toBe('en');
    expect((await next([customer('Musiken var alldeles för hög.')], 0, context))?.language).toBe('sv');
    expect((await next([customer('ok')], 0, context))?.language).toBe('sv');
    const en = await next([customer('The staff were nice.')]);
    expect(en).toMatchObject({ questionId: 'q-coffee', language: 'en' });
    expect(en?.text).toContain('Hur smakade kaffet?');
  });

  it('never repeats a question and is deterministic', async () => {
    const context = cafeContext({ questions: [] });
    const first = await next([customer('Bra.')], 0, context);
    const second = await next([customer('Bra.'), assistant(first?.text ?? ''), customer('Bra.')], 1, context);
    expect(second?.text).not.toBe(first?.text);
    expect(await next([customer('Bra.')], 0, context)).toEqual(first);
  });

  it('localizes a business question only when languages differ', () => {
    expect(localizeBusinessQuestion('Hur smakade kaffet?', 'sv')).toBe('Hur smakade kaffet?');
    expect(localizeBusinessQuestion('How was the coffee?', 'sv')).toContain('Verksamheten undrar också');
  });
});
