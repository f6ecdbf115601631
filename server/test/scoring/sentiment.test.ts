import { describe, expect, it } from 'vitest';
import { analyzeSentiment } from '../../src/scoring/sentiment.js';

describe('analyzeSentiment', () => {
  it('scores plain positive and negative text in both languages', () => {
    expect(analyzeSentiment('Maten var god och personalen trevlig.').label).toBe('positive');
    expect(analyzeSentiment('The staff were friendly and the cake was delicious.').label).toBe('positive');
    expect(analyzeSentiment('Smutsigt och otrevlig personal.').label).toBe('negative');
    expect(analyzeSentiment('Rude staff and a dirty table.').label).toBe('negative');
  });

  it('flips negated words: "inte bra" and "not good" are negative', () => {
    for (const text of ['Maten var inte bra.', 'Det var inte så bra.', 'The food was not good.', "The coffee wasn't great."]) {
      const s = analyzeSentiment(text);
      expect(s.value, text).toBeLessThan(0);
      expect(s.label, text).toBe('negative');
    }
  });

  it('negated criticism is mildly positive, weaker than plain praise', () => {
    const notBad = analyzeSentiment('Inte dåligt alls.');
    expect(notBad.value).toBeGreaterThan(0);
    expect(analyzeSentiment('not bad').value).toBeGreaterThan(0);
    expect(notBad.positive).toBeLessThan(analyzeSentiment('Riktigt bra.').positive);
    expect(analyzeSentiment('Inget att klaga på.').value).toBeGreaterThan(0);
  });

  it('negation does not cross a "men"/"but" clause boundary', () => {
    expect(analyzeSentiment('Inte billigt men gott.').positive).toBeGreaterThan(0);
    expect(analyzeSentiment('Not cheap, but delicious.').positive).toBeGreaterThan(0);
  });

  it('intensifiers and compounds strengthen', () => {
    expect(analyzeSentiment('jättegod').positive).toBeGreaterThan(analyzeSentiment('god').positive);
    expect(analyzeSentiment('very friendly').positive).toBeGreaterThan(analyzeSentiment('friendly').positive);
  });

  it('labels strong praise plus strong criticism as mixed', () => {
    expect(analyzeSentiment('Fantastiskt kaffe men otroligt otrevlig personal och smutsiga bord.').label).toBe('mixed');
    expect(analyzeSentiment('Great coffee, terrible service.').label).toBe('mixed');
  });

  it('is neutral without opinion words and stays within -1..1', () => {
    expect(analyzeSentiment('Jag köpte två liter mjölk kl 17.')).toMatchObject({ value: 0, label: 'neutral' });
    const extreme = analyzeSentiment('bäst bäst bäst fantastiskt perfekt underbart toppen');
    expect(extreme.value).toBeLessThanOrEqual(1);
    expect(analyzeSentiment('sämst hemskt äckligt värdelöst').value).toBeGreaterThanOrEqual(-1);
  });
});
