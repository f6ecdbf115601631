import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RISK_SIGNAL_CODES,
  combineRisk,
  deserializeSignature,
  duplicateTextSignal,
  estimateJaccard,
  evaluateVelocity,
  exactDuplicateKey,
  gibberishScore,
  gibberishSignal,
  impossibleTravelSignal,
  instantClaimSignal,
  makeSignal,
  minHashSignature,
  nearDuplicateSignal,
  normalizeText,
  priorFraudSignal,
  refundAfterRewardSignal,
  serializeSignature,
  textSimilarity,
  type RiskSignal,
} from '../../src/fraud/index.js';

/** Any text, including astral symbols, lone surrogates and control characters. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 80 }));
/** Texts built from Swedish letters, digits, punctuation and spaces. */
const swedishText = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzåäöABCÅÄÖ 0123456789.,!?-'), maxLength: 120 });
/** Strengths including garbage: NaN, ±Infinity, out of range. */
const anyStrength = fc.oneof(fc.double({ min: 0, max: 1 }), fc.double(), fc.constantFrom(0, 1, Number.NaN, Infinity, -Infinity));
const anySignal: fc.Arbitrary<RiskSignal> = fc
  .record({ code: fc.constantFrom(...RISK_SIGNAL_CODES), strength: anyStrength })
  .map(({ code, strength }) => ({ ...makeSignal(code, 0, { sv: code, en: code }), strength }));
const anyOptions = fc.record({ holdThreshold: fc.option(anyStrength, { nil: undefined }), mediumThreshold: fc.option(anyStrength, { nil: undefined }) });

describe('combineRisk properties', () => {
  it('never throws and gives an integer score in 0..100 consistent with level and hold', () => {
    fc.assert(
      fc.property(fc.array(anySignal, { maxLength: 12 }), anyOptions, (signals, options) => {
        const r = combineRisk(signals, options);
        expect(Number.isInteger(r.score)).toBe(true);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(100);
        expect(r.hold).toBe(r.level === 'high');
        expect(r.reasons.every((x) => x.strength > 0 && x.strength <= 1)).toBe(true);
      }),
    );
  });

  it('adding a signal anywhere never lowers the score and never releases a hold', () => {
    fc.assert(
      fc.property(fc.array(anySignal, { maxLength: 10 }), anySignal, fc.nat(), anyOptions, (signals, extra, pos, options) => {
        const before = combineRisk(signals, options);
        const withExtra = [...signals];
        withExtra.splice(pos % (signals.length + 1), 0, extra);
        const after = combineRisk(withExtra, options);
        expect(after.score).toBeGreaterThanOrEqual(before.score);
        if (before.hold) expect(after.hold).toBe(true);
      }),
    );
  });

  it('is at least as high as the strongest single signal (no dilution)', () => {
    fc.assert(
      fc.property(fc.array(anySignal, { minLength: 1, maxLength: 10 }), (signals) => {
        const strongest = Math.max(...signals.map((s) => combineRisk([s]).score));
        expect(combineRisk(signals).score).toBeGreaterThanOrEqual(strongest);
      }),
    );
  });

  it('does not depend on the order of the signals', () => {
    fc.assert(
      fc.property(fc.array(anySignal, { maxLength: 10 }), (signals) => {
        expect(combineRisk([...signals].reverse()).score).toBe(combineRisk(signals).score);
      }),
    );
  });
});

describe('text similarity properties', () => {
  it('estimateJaccard of a text with itself is 1, and signatures are reproducible', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(estimateJaccard(minHashSignature(text), minHashSignature(text))).toBe(1);
        expect(textSimilarity(text, text)).toBe(1);
      }),
    );
  });

  it('similarity is symmetric and in [0, 1]', () => {
    fc.assert(
      fc.property(swedishText, swedishText, (a, b) => {
        const ab = textSimilarity(a, b);
        expect(ab).toBe(textSimilarity(b, a));
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
        expect(estimateJaccard(minHashSignature(a), minHashSignature(b))).toBe(estimateJaccard(minHashSignature(b), minHashSignature(a)));
      }),
    );
  });

  it('normalisation is idempotent, so a stored normalised text keeps its duplicate key', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = normalizeText(text);
        expect(normalizeText(once)).toBe(once);
        expect(exactDuplicateKey(once)).toBe(exactDuplicateKey(text));
      }),
    );
  });

  it('the duplicate key ignores case and punctuation', () => {
    fc.assert(
      fc.property(swedishText, (text) => {
        expect(exactDuplicateKey(text.toUpperCase())).toBe(exactDuplicateKey(text));
        expect(exactDuplicateKey(`¡${text.replace(/ /g, ' , ')}!`)).toBe(exactDuplicateKey(text));
      }),
    );
  });

  it('signature serialisation round-trips for any text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const sig = minHashSignature(text);
        expect(deserializeSignature(serializeSignature(sig))).toEqual(sig);
      }),
      { numRuns: 50 },
    );
  });
});

describe('gibberishScore properties', () => {
  it('is in [0, 1] for any string and never throws', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const score = gibberishScore(text);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(swedishText, (text) => {
        expect(gibberishScore(text)).toBe(gibberishScore(text));
      }),
    );
  });
});

describe('signal builder properties', () => {
  const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(Number.NaN, Infinity, -Infinity, 0));

  it('every builder returns a strength in [0, 1] for any numeric input, never throwing', () => {
    fc.assert(
      fc.property(anyNumber, anyNumber, anyNumber, (a, b, c) => {
        const signals = [
          duplicateTextSignal(a, { wordCount: b }),
          nearDuplicateSignal(a, b),
          gibberishSignal(a),
          instantClaimSignal(a, b),
          refundAfterRewardSignal({ purchaseAmountOre: a, refundedAmountOre: b, hoursAfterReward: c }),
          priorFraudSignal(a),
          impossibleTravelSignal(a),
          ...evaluateVelocity({ phoneLast24h: a, deviceLast24h: b, ipLast24h: c, phoneSameBusinessLast7d: a, locationsLast24hForDevice: b }),
        ];
        for (const s of signals) {
          expect(s.strength).toBeGreaterThanOrEqual(0);
          expect(s.strength).toBeLessThanOrEqual(1);
          expect(s.reason.sv.length).toBeGreaterThan(0);
          expect(s.reason.en.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('velocity strength never decreases as counts grow', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(50), (n, more) => {
        const total = (count: number) => combineRisk(evaluateVelocity({ phoneLast24h: count, ipLast24h: count * 3, deviceLast24h: count })).score;
        expect(total(n + more)).toBeGreaterThanOrEqual(total(n));
      }),
    );
  });
});
