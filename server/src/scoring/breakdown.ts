import type { FeedbackAnalysis } from './analyze.js';
import { clampInt, saturate } from './text.js';
import type { ScoreBreakdown } from './types.js';

/**
 * The scoring formula. Every constant is here so the rubric can be read (and calibrated
 * against server/eval) in one place.
 */
export const WEIGHTS = { authenticity: 0.4, concreteness: 0.3, depth: 0.3 } as const;

/** Hard ceilings: text with these problems can never reach a paying score (60). */
export const CAPS = { gibberish: 5, spam: 15, offTopic: 20, severeRepetition: 25, copied: 30 } as const;
/**
 * An injection attempt forfeits the score: 0, whatever else the text says. A relative penalty
 * (clean score minus N) cannot guarantee that adding an attempt never raises a score, because
 * removing the attempt can also remove text that was pulling the score down; 0 can.
 */
export const INJECTION_SCORE = 0;

/** score = round(0.4·authenticity + 0.3·concreteness + 0.3·depth); never trust a supplied total. */
export function computeScore(b: ScoreBreakdown): number {
  return clampInt(exactScore(b));
}

function exactScore(b: ScoreBreakdown): number {
  return WEIGHTS.authenticity * b.authenticity + WEIGHTS.concreteness * b.concreteness + WEIGHTS.depth * b.depth;
}

export function clampBreakdown(b: ScoreBreakdown): ScoreBreakdown {
  return { authenticity: clampInt(b.authenticity), concreteness: clampInt(b.concreteness), depth: clampInt(b.depth) };
}

/**
 * Scales all components down (floored) so the recomputed score is ≤ maxScore while the
 * breakdown stays consistent with the score — a cap is visible in every component.
 */
export function capBreakdown(b: ScoreBreakdown, maxScore: number): ScoreBreakdown {
  const exact = exactScore(b);
  const max = Math.max(0, maxScore);
  if (computeScore(b) <= max) return b;
  const f = max / exact;
  return {
    authenticity: Math.floor(b.authenticity * f),
    concreteness: Math.floor(b.concreteness * f),
    depth: Math.floor(b.depth * f),
  };
}

/** Authenticity: a lived, relevant visit; penalised for slogans, shouting, repetition and paste. */
export function authenticityOf(a: FeedbackAnalysis): number {
  if (a.tokens.length === 0) return 0;
  const n = a.tokens.length;
  // 50 is the neutral prior: a short text gives no evidence either way.
  let value = 50;
  value += Math.min(15, 5 * a.experience.length);
  value += Math.min(20, 6 * a.relevance);
  value += Math.min(15, 5 * a.details.weight);
  value += (n >= 12 ? 5 : 0) + (n >= 30 ? 5 : 0);
  if (a.generic) value -= 6;
  if (a.tooShort) value -= 4;
  if (a.spam.shouting) value -= 15;
  if (a.spam.repeatedChars) value -= 10;
  if (a.repetition === 'mild') value -= 15;
  if (a.repetition === 'severe') value -= 35;
  if (a.templated || a.copied) value -= 35;
  return clampInt(value);
}

/** Concreteness: weighted details (products, staff, times, places, prices), saturating. */
export function concretenessOf(a: FeedbackAnalysis): number {
  if (a.tokens.length === 0) return 0;
  const aspects = a.categories.filter((c) => c !== 'other').length;
  return clampInt(saturate(a.details.weight + 0.4 * aspects, 3, 100));
}

const REASON_POINTS = [0, 10, 16, 20];
const SUGGESTION_POINTS = [0, 18, 25];

/** Depth: effort with diminishing returns, reasons, suggestions, balance and answered questions. */
export function depthOf(a: FeedbackAnalysis): number {
  if (a.tokens.length === 0) return 0;
  let value = saturate(a.tokens.length, 30, 50);
  value += REASON_POINTS[Math.min(3, a.reasonMarkers.length)] ?? 0;
  value += SUGGESTION_POINTS[Math.min(2, a.suggestions.length)] ?? 0;
  if (a.sentiment.positive >= 1 && a.sentiment.negative >= 1) value += 8;
  if (a.comparisons.length > 0) value += 6;
  value += Math.min(12, 6 * a.questionAnswers.filter((q) => q.answered).length);
  if (a.sentences.length >= 3) value += 4;
  return clampInt(value);
}

/** The lowest applicable ceiling for this text, or 100. */
export function ceilingOf(a: FeedbackAnalysis): number {
  const caps: number[] = [100];
  if (a.gibberish) caps.push(CAPS.gibberish);
  if (a.spam.isSpam) caps.push(CAPS.spam);
  if (a.offTopic) caps.push(CAPS.offTopic);
  if (a.repetition === 'severe') caps.push(CAPS.severeRepetition);
  if (a.templated || a.copied) caps.push(CAPS.copied);
  return Math.min(...caps);
}

/** Final embedded breakdown: components, then the hard ceilings, then the injection rule. */
export function breakdownOf(a: FeedbackAnalysis): ScoreBreakdown {
  const raw = { authenticity: authenticityOf(a), concreteness: concretenessOf(a), depth: depthOf(a) };
  const capped = capBreakdown(raw, ceilingOf(a));
  return a.injection.detected ? capBreakdown(capped, INJECTION_SCORE) : capped;
}
