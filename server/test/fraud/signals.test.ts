import { describe, expect, it } from 'vitest';
import {
  RISK_SIGNAL_CODES,
  countFarApart,
  duplicateTextSignal,
  gibberishScore,
  gibberishSignal,
  haversineKm,
  impliedSpeedKmh,
  impossibleTravelSignal,
  instantClaimSignal,
  maxImpliedSpeedKmh,
  nearDuplicateSignal,
  priorFraudSignal,
  refundAfterRewardSignal,
  riskSignalSchema,
} from '../../src/fraud/index.js';

const STOCKHOLM = { lat: 59.3326, lon: 18.0649 };
const MALMO = { lat: 55.605, lon: 13.0038 };
const SOLNA = { lat: 59.3600, lon: 18.0000 };

describe('duplicateTextSignal', () => {
  it('one identical earlier text → 0.95; more copies → stronger', () => {
    expect(duplicateTextSignal(0).strength).toBe(0);
    expect(duplicateTextSignal(1).strength).toBeCloseTo(0.95, 10);
    expect(duplicateTextSignal(2).strength).toBeCloseTo(0.975, 10);
    expect(duplicateTextSignal(5).strength).toBeGreaterThan(duplicateTextSignal(2).strength);
    expect(duplicateTextSignal(1).reason.sv).toBe('Exakt samma text har skickats in i 1 annan session.');
    expect(duplicateTextSignal(3).reason.en).toBe('The exact same text was submitted in 3 other sessions.');
  });

  it('is capped for short stock answers', () => {
    expect(duplicateTextSignal(4, { wordCount: 3 }).strength).toBe(0.3);
    expect(duplicateTextSignal(4, { wordCount: 12 }).strength).toBeGreaterThan(0.95);
  });
});

describe('nearDuplicateSignal', () => {
  it('maps similarity: nothing below 0.6, weak below 0.8, holds from 0.8', () => {
    expect(nearDuplicateSignal(0.59, 3).strength).toBe(0);
    expect(nearDuplicateSignal(0.7, 1).strength).toBeCloseTo(0.325, 10);
    expect(nearDuplicateSignal(0.8, 1).strength).toBeCloseTo(0.75, 10);
    expect(nearDuplicateSignal(1, 1).strength).toBeCloseTo(0.93, 10);
  });

  it('more matching sessions make it stronger; a reported match counts even if matches=0', () => {
    expect(nearDuplicateSignal(0.85, 3).strength).toBeGreaterThan(nearDuplicateSignal(0.85, 1).strength);
    expect(nearDuplicateSignal(0.85, 0).strength).toBe(nearDuplicateSignal(0.85, 1).strength);
    expect(nearDuplicateSignal(0.85, 2).reason.sv).toContain('85 %');
  });
});

describe('gibberishSignal', () => {
  it('is 0 up to 0.5 and 0.9 at 1', () => {
    expect(gibberishSignal(0.5).strength).toBe(0);
    expect(gibberishSignal(0.75).strength).toBeCloseTo(0.45, 10);
    expect(gibberishSignal(1).strength).toBeCloseTo(0.9, 10);
    expect(gibberishSignal(gibberishScore('Kaffet var gott men kön var lång.')).strength).toBe(0);
    expect(gibberishSignal(gibberishScore('sdkfj wqer zxcv')).strength).toBeGreaterThanOrEqual(0.7);
  });
});

describe('instantClaimSignal', () => {
  it('instant alone is weak; with far-apart locations the same day it holds', () => {
    expect(instantClaimSignal(5, 0).strength).toBeCloseTo(0.3, 10);
    expect(instantClaimSignal(5, 2).strength).toBeGreaterThanOrEqual(0.7);
    expect(instantClaimSignal(5, 3).strength).toBeGreaterThan(instantClaimSignal(5, 2).strength);
  });

  it('fades out between 20 s and 60 s; a claim before the purchase counts as instant', () => {
    expect(instantClaimSignal(40, 2).strength).toBeCloseTo((1 - 0.7 * 0.6 ** 2) * 0.5, 10);
    expect(instantClaimSignal(60, 5).strength).toBe(0);
    expect(instantClaimSignal(3600, 5).strength).toBe(0);
    expect(instantClaimSignal(-30, 0).strength).toBeCloseTo(0.3, 10);
    expect(instantClaimSignal(Number.NaN, 4).strength).toBe(0);
  });
});

describe('refundAfterRewardSignal', () => {
  it('full refund → 0.97, half → 0.65, none → 0', () => {
    expect(refundAfterRewardSignal({ purchaseAmountOre: 25_000, refundedAmountOre: 25_000 }).strength).toBe(0.97);
    expect(refundAfterRewardSignal({ purchaseAmountOre: 25_000, refundedAmountOre: 12_500 }).strength).toBeCloseTo(0.65, 10);
    expect(refundAfterRewardSignal({ purchaseAmountOre: 25_000, refundedAmountOre: 0 }).strength).toBe(0);
  });

  it('treats over-refunds and a missing purchase amount as full refunds', () => {
    expect(refundAfterRewardSignal({ purchaseAmountOre: 10_000, refundedAmountOre: 50_000 }).strength).toBe(0.97);
    expect(refundAfterRewardSignal({ purchaseAmountOre: 0, refundedAmountOre: 100 }).strength).toBe(0.97);
    const s = refundAfterRewardSignal({ purchaseAmountOre: 10_000, refundedAmountOre: 10_000, hoursAfterReward: 3 });
    expect(s.evidence).toMatchObject({ refundedShare: 1, hoursAfterReward: 3 });
    expect(s.reason.sv).toContain('100 %');
  });
});

describe('priorFraudSignal', () => {
  it('one confirmed case → 0.8, two → 0.9', () => {
    expect(priorFraudSignal(0).strength).toBe(0);
    expect(priorFraudSignal(1).strength).toBeCloseTo(0.8, 10);
    expect(priorFraudSignal(2).strength).toBeCloseTo(0.9, 10);
  });
});

describe('geo helpers and impossible travel', () => {
  it('haversine distance Stockholm–Malmö ≈ 513 km', () => {
    expect(haversineKm(STOCKHOLM, MALMO)).toBeGreaterThan(505);
    expect(haversineKm(STOCKHOLM, MALMO)).toBeLessThan(520);
    expect(haversineKm(STOCKHOLM, STOCKHOLM)).toBe(0);
  });

  it('counts only other locations at least 25 km away', () => {
    expect(countFarApart(STOCKHOLM, [SOLNA, MALMO, MALMO])).toBe(2);
  });

  it('purchases in Malmö and Stockholm within the hour are impossible; a day apart is fine', () => {
    const t0 = Date.UTC(2025, 0, 10, 10, 0);
    const speed = maxImpliedSpeedKmh([
      { ...STOCKHOLM, at: t0 },
      { ...SOLNA, at: t0 + 600_000 },
      { ...MALMO, at: t0 + 3_600_000 },
    ]);
    expect(speed).toBeGreaterThan(450);
    expect(impossibleTravelSignal(speed).strength).toBeGreaterThan(0.5);
    expect(impliedSpeedKmh({ ...STOCKHOLM, at: t0 }, { ...MALMO, at: t0 + 86_400_000 })).toBeLessThan(30);
    expect(impliedSpeedKmh({ ...STOCKHOLM, at: t0 }, { ...SOLNA, at: t0 })).toBe(0); // same town
    expect(impossibleTravelSignal(Infinity).strength).toBeCloseTo(0.9, 10);
    expect(impossibleTravelSignal(200).strength).toBe(0);
  });
});

describe('riskSignalSchema', () => {
  it('accepts what the builders produce and rejects unknown codes or out-of-range strengths', () => {
    for (const s of [duplicateTextSignal(1), nearDuplicateSignal(0.9, 2), instantClaimSignal(3, 2), impossibleTravelSignal(700)]) {
      expect(riskSignalSchema.parse(JSON.parse(JSON.stringify(s)))).toEqual(JSON.parse(JSON.stringify(s)));
    }
    expect(RISK_SIGNAL_CODES).toContain('refund_after_reward');
    expect(riskSignalSchema.safeParse({ code: 'nope', strength: 0.5, reason: { sv: '', en: '' } }).success).toBe(false);
    expect(riskSignalSchema.safeParse({ code: 'gibberish', strength: 1.5, reason: { sv: '', en: '' } }).success).toBe(false);
  });
});
