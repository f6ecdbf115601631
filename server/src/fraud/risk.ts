/**
 * Combining risk signals into one decision.
 *
 * Noisy-OR: P(fraud) = 1 − Π(1 − strengthᵢ). Each signal is treated as an
 * independent chance of fraud, so ONE strong signal is enough (an exact duplicate at
 * 0.95 stays ≥ 0.95 whatever else is added), clean signals (0) change nothing, adding
 * a signal can never lower the score, and several weak signals add up
 * (four at 0.3 → 0.76). Averaging would let clean signals dilute a strong one —
 * exactly what a fraudster wants.
 *
 * Only the strongest signal per code counts: the same evidence reported twice (two
 * near-duplicate matches passed separately) must not be double-counted — builders
 * already fold repeat counts into the strength.
 */
import type { LocalizedText, RiskSignal } from './signals.js';
import { clamp01 } from './math.js';

export type RiskLevel = 'low' | 'medium' | 'high';

export const DEFAULT_HOLD_THRESHOLD = 0.7;
export const DEFAULT_MEDIUM_THRESHOLD = 0.4;

export interface RiskReason {
  code: string;
  strength: number;
  reason: LocalizedText;
  evidence?: Record<string, unknown>;
}

export interface RiskSummary {
  /** 0..100, round(100 × P(fraud)). */
  score: number;
  /** low < medium threshold ≤ medium < hold threshold ≤ high. */
  level: RiskLevel;
  /** True when score ≥ hold threshold: hold the reward for manual review. */
  hold: boolean;
  /** Contributing signals (strength > 0), strongest first. */
  reasons: RiskReason[];
}

export interface CombineRiskOptions {
  /** 0..1, default 0.7. */
  holdThreshold?: number;
  /** 0..1, default 0.4. */
  mediumThreshold?: number;
}

/** Strongest signal per code; invalid strengths count as 0. */
function strongestPerCode(signals: readonly RiskSignal[]): Map<string, RiskSignal> {
  const best = new Map<string, RiskSignal>();
  for (const signal of signals) {
    const strength = clamp01(Number(signal.strength));
    const current = best.get(signal.code);
    if (current === undefined || strength > current.strength) best.set(signal.code, { ...signal, strength });
  }
  return best;
}

/**
 * Multiplies in a fixed (code) order: with a fixed order, adding a factor ≤ 1 can
 * only lower the product even with floating-point rounding, so the score is exactly
 * monotone in its inputs.
 */
function noisyOr(perCode: Map<string, RiskSignal>): number {
  let clean = 1;
  for (const code of [...perCode.keys()].sort()) clean *= 1 - perCode.get(code)!.strength;
  return clamp01(1 - clean);
}

function thresholdScore(value: number | undefined, fallback: number): number {
  const v = value === undefined || Number.isNaN(value) ? fallback : clamp01(value);
  return Math.round(v * 100);
}

export function combineRisk(signals: readonly RiskSignal[], options: CombineRiskOptions = {}): RiskSummary {
  const perCode = strongestPerCode(signals);
  const score = Math.round(100 * noisyOr(perCode));
  const holdScore = thresholdScore(options.holdThreshold, DEFAULT_HOLD_THRESHOLD);
  const mediumScore = Math.min(holdScore, thresholdScore(options.mediumThreshold, DEFAULT_MEDIUM_THRESHOLD));
  const hold = score >= holdScore;
  const level: RiskLevel = hold ? 'high' : score >= mediumScore ? 'medium' : 'low';
  const reasons = [...perCode.values()]
    .filter((s) => s.strength > 0)
    .sort((a, b) => b.strength - a.strength || (a.code < b.code ? -1 : 1))
    .map(toReason);
  return { score, level, hold, reasons };
}

function toReason(signal: RiskSignal): RiskReason {
  const reason: RiskReason = { code: signal.code, strength: signal.strength, reason: signal.reason };
  if (signal.evidence !== undefined) reason.evidence = signal.evidence;
  return reason;
}
