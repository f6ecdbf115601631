import { describe, expect, it } from 'vitest';
import { combineRisk, duplicateTextSignal, gibberishSignal, instantClaimSignal, makeSignal, nearDuplicateSignal, type RiskSignal, type RiskSignalCode } from '../../src/fraud/index.js';

const sig = (code: RiskSignalCode, strength: number): RiskSignal => makeSignal(code, strength, { sv: code, en: code });

/** Five "clean" signals: checks that ran and found nothing. */
const fiveClean: RiskSignal[] = [
  gibberishSignal(0.05),
  nearDuplicateSignal(0.1, 0),
  instantClaimSignal(900, 0),
  sig('velocity_phone', 0),
  sig('refund_after_reward', 0),
];

describe('combineRisk', () => {
  it('no signals → score 0, low, no hold', () => {
    expect(combineRisk([])).toEqual({ score: 0, level: 'low', hold: false, reasons: [] });
  });

  it('one strong signal alone holds', () => {
    const r = combineRisk([duplicateTextSignal(1)]);
    expect(r).toMatchObject({ score: 95, level: 'high', hold: true });
    expect(r.reasons.map((x) => x.code)).toEqual(['duplicate_text']);
  });

  it('an exact duplicate plus five clean signals still holds, with the same score (no dilution)', () => {
    const alone = combineRisk([duplicateTextSignal(1)]);
    const mixed = combineRisk([...fiveClean.slice(0, 2), duplicateTextSignal(1), ...fiveClean.slice(2)]);
    expect(fiveClean.every((s) => s.strength === 0)).toBe(true);
    expect(mixed.hold).toBe(true);
    expect(mixed.score).toBeGreaterThanOrEqual(alone.score);
    expect(mixed.score).toBe(95);
    expect(mixed.reasons).toHaveLength(1); // zero-strength signals are not reasons
  });

  it('many weak signals add up to a hold (noisy-OR: four × 0.3 → 76)', () => {
    const weak = (['velocity_ip', 'instant_claim', 'near_duplicate_text', 'velocity_phone_business'] as const).map((c) => sig(c, 0.3));
    expect(combineRisk(weak.slice(0, 1))).toMatchObject({ score: 30, level: 'low', hold: false });
    expect(combineRisk(weak.slice(0, 2))).toMatchObject({ score: 51, level: 'medium', hold: false });
    expect(combineRisk(weak)).toMatchObject({ score: 76, level: 'high', hold: true });
  });

  it('the hold threshold is inclusive and configurable', () => {
    expect(combineRisk([sig('velocity_phone', 0.7)]).hold).toBe(true);
    expect(combineRisk([sig('velocity_phone', 0.69)]).hold).toBe(false);
    expect(combineRisk([sig('velocity_phone', 0.69)], { holdThreshold: 0.5 })).toMatchObject({ hold: true, level: 'high' });
    expect(combineRisk([sig('velocity_phone', 0.95)], { holdThreshold: 0.99 })).toMatchObject({ hold: false, level: 'medium' });
    expect(combineRisk([sig('velocity_phone', 0.3)], { mediumThreshold: 0.2 }).level).toBe('medium');
  });

  it('counts only the strongest signal per code (same evidence reported twice is not double-counted)', () => {
    const twice = combineRisk([sig('velocity_ip', 0.5), sig('velocity_ip', 0.5)]);
    expect(twice.score).toBe(50);
    const different = combineRisk([sig('velocity_ip', 0.5), sig('velocity_device', 0.5)]);
    expect(different.score).toBe(75);
  });

  it('lists reasons strongest first with both languages and the evidence', () => {
    const r = combineRisk([sig('velocity_ip', 0.4), duplicateTextSignal(2), sig('instant_claim', 0.6)]);
    expect(r.reasons.map((x) => x.code)).toEqual(['duplicate_text', 'instant_claim', 'velocity_ip']);
    expect(r.reasons[0]!.reason.sv).toContain('2 andra sessioner');
    expect(r.reasons[0]!.evidence).toEqual({ matchCount: 2 });
  });

  it('treats invalid strengths as 0 or clamps them', () => {
    const bad = [{ ...sig('gibberish', 0), strength: Number.NaN }, { ...sig('velocity_ip', 0), strength: -3 }];
    expect(combineRisk(bad).score).toBe(0);
    expect(combineRisk([{ ...sig('prior_fraud', 0), strength: 7 }]).score).toBe(100);
  });
});
