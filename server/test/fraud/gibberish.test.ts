import { describe, expect, it } from 'vitest';
import { gibberishBreakdown, gibberishScore, keyboardWalkLength, tokenBadness } from '../../src/fraud/index.js';
import { MASHES, REAL_SENTENCES } from './fixtures.js';

describe('gibberishScore', () => {
  it('has at least 15 real sentences and 15 mashes in its tables', () => {
    expect(REAL_SENTENCES.length).toBeGreaterThanOrEqual(15);
    expect(MASHES.length).toBeGreaterThanOrEqual(15);
  });

  it.each(REAL_SENTENCES)('real sentence scores low (< 0.3): %s', (text) => {
    expect(gibberishScore(text)).toBeLessThan(0.3);
  });

  it.each(MASHES)('mash scores high (> 0.7): %s', (text) => {
    expect(gibberishScore(text)).toBeGreaterThan(0.7);
  });

  it('the brief examples', () => {
    expect(gibberishScore('Kaffet var gott men kön var lång.')).toBeLessThan(0.1);
    expect(gibberishScore('sdkfj wqer zxcv')).toBeGreaterThan(0.9);
  });

  it('mixing a real sentence with mashing lands in between', () => {
    const mixed = gibberishScore('Kaffet var gott sdkfj wqer zxcv lkjh');
    expect(mixed).toBeGreaterThan(0.3);
    expect(mixed).toBeLessThan(0.9);
  });

  it('texts without letters score 1; mostly symbols or digits score high', () => {
    expect(gibberishScore('')).toBe(1);
    expect(gibberishScore('   ')).toBe(1);
    expect(gibberishScore('😀😀😀')).toBe(1);
    expect(gibberishScore('ok 12345678 9999 #### !!!!')).toBeGreaterThan(0.7);
  });

  it('breakdown names the component that fired', () => {
    expect(gibberishBreakdown('bra bra bra bra bra bra').repetition).toBeGreaterThan(0.7);
    expect(gibberishBreakdown('det var bra det var bra det var bra det var bra').repetition).toBeGreaterThan(0.7);
    expect(gibberishBreakdown('det var bra och det var gott men det var dyrt').repetition).toBe(0);
    expect(gibberishBreakdown('a s d f g h j').singles).toBe(1);
    expect(gibberishBreakdown('%%% ### 123 hej').nonLetters).toBeGreaterThan(0.5);
    const real = gibberishBreakdown('Personalen var väldigt trevlig och hjälpsam.');
    expect(Object.values(real).every((v) => v === 0)).toBe(true);
  });

  it('a long paragraph with very few vowels is flagged even when tokens pass', () => {
    expect(gibberishBreakdown('strng brst klmpt '.repeat(3)).vowels).toBeGreaterThan(0.5);
  });
});

describe('tokenBadness', () => {
  it.each(['kvällsljus', 'onsdagskvällen', 'strumpbyxor', 'självscanningen', 'mormor', 'queue', 'rhythm', 'property', 'tre', 'kr'])(
    'real word %s is word-like',
    (word) => expect(tokenBadness(word)).toBeLessThan(0.3),
  );

  it.each(['sdkfj', 'wqer', 'zxcv', 'asdf', 'jjjj', 'asdasd', 'ksksks', 'ökjl', 'ädfk'])('mash %s is not', (word) => {
    expect(tokenBadness(word)).toBeGreaterThan(0.6);
  });

  it('a token must start like a sv/en word: "nd", "rt", "lk" are not onsets', () => {
    for (const word of ['ndkar', 'rtkul', 'lkdas']) expect(tokenBadness(word), word).toBeGreaterThan(0.6);
    for (const word of ['strand', 'kvarter', 'skjorta', 'glass', 'spring', 'three']) expect(tokenBadness(word), word).toBe(0);
  });

  it('laughter is only half-suspect', () => {
    expect(tokenBadness('hahaha')).toBe(0.6);
    expect(tokenBadness('haha')).toBe(0);
  });
});

describe('keyboardWalkLength', () => {
  it('follows one row in one direction', () => {
    expect(keyboardWalkLength('qwerty')).toBe(6);
    expect(keyboardWalkLength('lkjh')).toBe(4);
    expect(keyboardWalkLength('were')).toBe(3); // w→e→r, then back: not a walk of 4
    expect(keyboardWalkLength('property')).toBe(4);
    expect(keyboardWalkLength('kaffe')).toBe(1);
  });
});
