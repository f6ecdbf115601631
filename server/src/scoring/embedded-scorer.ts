import { analyzeFeedback, type FeedbackAnalysis } from './analyze.js';
import { breakdownOf, computeScore } from './breakdown.js';
import { selectReasons } from './reasons.js';
import type { ScoreBreakdown, ScoreInput, ScoreResult, Scorer } from './types.js';

export const EMBEDDED_MODEL = 'kvittra-embedded-v1';

/** Assembles a ScoreResult from an analysis and a (possibly external) breakdown. */
export function resultFromAnalysis(analysis: FeedbackAnalysis, breakdown: ScoreBreakdown): Omit<ScoreResult, 'provider' | 'model'> {
  return {
    score: computeScore(breakdown),
    breakdown,
    categories: analysis.categories,
    sentiment: analysis.sentiment.value,
    sentimentLabel: analysis.sentiment.label,
    language: analysis.language,
    reasons: selectReasons(analysis, breakdown),
    flags: {
      injectionAttempt: analysis.injection.detected,
      offTopic: analysis.offTopic,
      gibberish: analysis.gibberish,
      tooShort: analysis.tooShort,
    },
    questionAnswers: analysis.questionAnswers,
  };
}

/** Synchronous core, exported for the eval harness and property tests. */
export function scoreEmbedded(input: ScoreInput): ScoreResult {
  const analysis = analyzeFeedback(input.turns, input.context);
  return { ...resultFromAnalysis(analysis, breakdownOf(analysis)), provider: 'embedded', model: EMBEDDED_MODEL };
}

/**
 * Deterministic, explainable scorer with no network: the same conversation always gets the
 * same score and the same reasons. Only customer turns are scored.
 */
export class EmbeddedScorer implements Scorer {
  readonly name = 'embedded';

  async score(input: ScoreInput): Promise<ScoreResult> {
    return scoreEmbedded(input);
  }
}
