import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, squareSetup, startSession, type CustomerSession } from '../helpers/customer.js';
import { ANONYMISED_TEXT, expireSessions, runRetention } from '../../src/gdpr/retention.js';

const MIN = 60_000;
const DAY = 86_400_000;
const QUESTION = 'Hur hittade du till oss första gången?';
const ANSWER = 'Jag hittade hit via en kollega som tipsade om kardemummabullarna.';
/** Words only the customer wrote: none may survive anonymisation anywhere in the session row. */
const CUSTOMER_WORDS = ['cappuccino', 'kanelbulle', 'nybakade', 'Anna', 'kollega', 'kardemumma'];

describe.skipIf(backendUnavailable)('retention and session expiry', () => {
  let p: TestPlatform;
  let c: ConnectionSetup;
  let qrToken: string;

  async function verify(s: CustomerSession, sale: { occurredAt: string; last4?: string }, amount: string) {
    return s.call('POST', '/verify', { amount, purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
  }

  const sessionRow = (id: string) => p.ctx.db.kysely.selectFrom('feedback_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const turns = (id: string) => p.ctx.db.kysely.selectFrom('feedback_turns').select(['role', 'text', 'source', 'question_id']).where('session_id', '=', id).orderBy('seq').execute();

  beforeAll(async () => {
    p = await startTestPlatform({ DATA_RETENTION_DAYS: '30' });
    c = await squareSetup(p);
    ({ qrToken } = await locationQr(p, c));
    expect((await p.admin('POST', `/admin/businesses/${c.businessId}/questions`, { text: QUESTION })).status).toBe(201);
  });
  afterAll(async () => p?.stop());

  // Runs first: this file's platform then holds exactly one session, so the counts below are exact.
  it('runRetention past DATA_RETENTION_DAYS anonymises the conversation but keeps score and reward', async () => {
    const sale = await ingestSale(p, c, 18_900, 3);
    const s = await startSession(p, { qrToken });
    expect((await verify(s, sale, '189')).status).toBe(200);
    const first = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV });
    expect(first.body.followUp).toMatchObject({ text: QUESTION });
    const result = await s.call('POST', '/feedback', { text: ANSWER, finish: true });
    expect(result.body.status, result.text).toBe('completed');

    const before = await sessionRow(s.sessionId);
    const rewardBefore = await p.ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    const turnsBefore = await turns(s.sessionId);
    expect(turnsBefore.map((t) => t.text)).toEqual([RICH_FEEDBACK_SV, QUESTION, ANSWER]);
    expect(before.score_details).toContain('kollega'); // the question's answer is quoted there
    expect(before.device_hash).not.toBeNull();
    const fingerprints = () => p.ctx.db.kysely.selectFrom('text_fingerprints').select('id').where('session_id', '=', s.sessionId).execute();
    expect((await fingerprints()).length).toBeGreaterThan(0);

    // Day 29: still inside the retention period.
    expect(await runRetention(p.ctx, new Date(Date.now() + 29 * DAY))).toEqual({ anonymisedSessions: 0, phonesErased: 0 });
    expect(await turns(s.sessionId)).toEqual(turnsBefore);

    // Day 31: anonymised.
    expect(await runRetention(p.ctx, new Date(Date.now() + 31 * DAY))).toEqual({ anonymisedSessions: 1, phonesErased: 0 });
    expect(await turns(s.sessionId)).toEqual(turnsBefore.map((t) => ({ ...t, text: ANONYMISED_TEXT })));
    expect(await fingerprints()).toEqual([]);

    const after = await sessionRow(s.sessionId);
    expect(after.anonymised_at).not.toBeNull();
    expect(after).toMatchObject({ device_hash: null, ip_hash: null, score: before.score, sentiment: before.sentiment, categories: before.categories, language: before.language, status: 'completed', transaction_id: before.transaction_id });
    const details = JSON.parse(after.score_details!);
    expect(details.breakdown).toEqual(JSON.parse(before.score_details!).breakdown);
    expect(details.questionAnswers).toEqual([{ questionId: first.body.followUp.questionId, answered: true, summary: ANONYMISED_TEXT }]);
    const rowText = JSON.stringify(after);
    for (const word of CUSTOMER_WORDS) expect(rowText, word).not.toContain(word);
    expect(await p.ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', s.sessionId).executeTakeFirstOrThrow()).toEqual(rewardBefore);

    // The customer's view: text gone, result (score, reward) unchanged.
    const view = await s.call('GET', '');
    expect(view.status).toBe(200);
    expect(view.body.turns.map((t: { text: string }) => t.text)).toEqual([ANONYMISED_TEXT, ANONYMISED_TEXT, ANONYMISED_TEXT]);
    expect(view.body.result).toEqual(result.body);

    // Idempotent: nothing left to do.
    expect(await runRetention(p.ctx, new Date(Date.now() + 31 * DAY))).toEqual({ anonymisedSessions: 0, phonesErased: 0 });
  });

  it('expireSessions expires unfinished sessions and releases their purchase for a new session', async () => {
    const saleA = await ingestSale(p, c, 27_300, 4);
    const saleB = await ingestSale(p, c, 36_400, 6);
    const verifiedOnly = await startSession(p, { qrToken });
    expect((await verify(verifiedOnly, saleA, '273')).status).toBe(200);
    const talking = await startSession(p, { qrToken });
    expect((await verify(talking, saleB, '364')).status).toBe(200);
    expect((await talking.call('POST', '/feedback', { text: 'Kaffet var gott.' })).body.status).toBe('follow_up');
    const latecomer = await startSession(p, { qrToken });
    // A claimed purchase answers like no purchase at all (a guesser must not tell them apart).
    const taken = await verify(latecomer, saleA, '273');
    expect(taken.status).toBe(422);
    expect(taken.body.error.code).toBe('no_matching_purchase');
    const completedBefore = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['id', 'status', 'transaction_id']).where('status', '=', 'completed').execute();
    expect(completedBefore).toHaveLength(1);

    // Nothing is stale yet; 31 minutes on, the three unfinished sessions are (the completed one is not).
    expect(await expireSessions(p.ctx)).toBe(0);
    expect(await expireSessions(p.ctx, new Date(Date.now() + 31 * MIN))).toBe(3);
    for (const s of [verifiedOnly, talking, latecomer]) {
      expect(await sessionRow(s.sessionId)).toMatchObject({ status: 'expired', transaction_id: null });
    }
    expect(await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['id', 'status', 'transaction_id']).where('status', '=', 'completed').execute()).toEqual(completedBefore);
    expect(await expireSessions(p.ctx, new Date(Date.now() + 31 * MIN))).toBe(0);

    // The expired sessions are gone for the customer…
    const gone = await verifiedOnly.call('POST', '/feedback', { text: 'Kanelbullen var färsk och varm.' });
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('session_expired');
    expect((await latecomer.call('POST', '/verify', { amount: '273', purchasedAt: saleA.occurredAt, cardLast4: saleA.last4 })).body.error.code).toBe('session_expired');
    expect((await talking.call('GET', '')).body).toMatchObject({ status: 'expired', verified: true });

    // …and both purchases can be verified again in new sessions.
    for (const [sale, amount, amountMinor] of [[saleA, '273', 27_300], [saleB, '364,00', 36_400]] as const) {
      const fresh = await startSession(p, { qrToken });
      const res = await verify(fresh, sale, amount);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ verified: true, purchase: { amountMinor, occurredAt: sale.occurredAt } });
      const done = await fresh.call('POST', '/feedback', { text: RICH_FEEDBACK_SV.replace('kl 12', 'kl 13'), finish: true });
      expect(done.body.status, done.text).toBe('completed');
    }
  });
});
