import type { FeedbackAnalysis } from './analyze.js';
import type { ScoreBreakdown, ScoreReason } from './types.js';

/**
 * The reason catalogue: stable codes with the Swedish and English sentence shown to the
 * customer. Order here is display order (problems first, then strengths, then tips).
 */
export const REASON_CATALOGUE = {
  injection_attempt: {
    sv: 'Texten försöker styra poängsättningen, därför blir poängen 0.',
    en: 'The text tries to steer the scoring, so the score is 0.',
  },
  gibberish: { sv: 'Texten gick inte att förstå.', en: 'The text could not be understood.' },
  spam: {
    sv: 'Texten innehåller länkar, reklam eller skrik (versaler, upprepade tecken).',
    en: 'The text contains links, advertising or shouting (capitals, repeated characters).',
  },
  off_topic: { sv: 'Texten handlar inte om ditt besök hos verksamheten.', en: 'The text is not about your visit to the business.' },
  copied_text: { sv: 'Texten verkar kopierad eller mallartad.', en: 'The text looks copied or templated.' },
  repetition: { sv: 'Texten upprepar samma ord eller meningar.', en: 'The text repeats the same words or sentences.' },
  too_short: { sv: 'Feedbacken är mycket kort.', en: 'The feedback is very short.' },
  generic_praise: {
    sv: 'Allmänt beröm som "bra" berättar inte vad som var bra.',
    en: 'Generic praise like "great" does not say what was good.',
  },
  generic_complaint: {
    sv: 'Allmän kritik utan exempel är svår för verksamheten att åtgärda.',
    en: 'A general complaint without examples is hard for the business to act on.',
  },
  concrete_details: {
    sv: 'Du nämnde konkreta detaljer, till exempel produkter, tider, platser eller personal.',
    en: 'You mentioned concrete details such as products, times, places or staff.',
  },
  explains_why: { sv: 'Du förklarade varför, vilket gör feedbacken användbar.', en: 'You explained why, which makes the feedback useful.' },
  suggestion: { sv: 'Du gav ett konkret förbättringsförslag.', en: 'You gave a concrete suggestion for improvement.' },
  balanced: {
    sv: 'Du tog upp både det som var bra och det som kan bli bättre.',
    en: 'You covered both what was good and what could be better.',
  },
  personal_experience: { sv: 'Feedbacken beskriver din egen upplevelse.', en: 'The feedback describes your own experience.' },
  answered_questions: { sv: 'Du svarade på verksamhetens egna frågor.', en: "You answered the business's own questions." },
  detailed: { sv: 'Utförlig feedback med flera meningar.', en: 'Thorough feedback in several sentences.' },
  few_details: {
    sv: 'Få konkreta detaljer. Berätta gärna vad du köpte, när det var eller var i lokalen.',
    en: 'Few concrete details. Mention what you bought, when it was or where in the premises.',
  },
} as const satisfies Record<string, { sv: string; en: string }>;

export type ReasonCode = keyof typeof REASON_CATALOGUE;

export function reason(code: ReasonCode): ScoreReason {
  return { code, ...REASON_CATALOGUE[code] };
}

/** A hard problem makes the positive reasons moot (and they would read as mockery). */
function hasHardProblem(a: FeedbackAnalysis): boolean {
  return a.injection.detected || a.gibberish || a.spam.isSpam || a.offTopic || a.templated || a.copied || a.repetition === 'severe';
}

function applies(code: ReasonCode, a: FeedbackAnalysis, b: ScoreBreakdown): boolean {
  const hard = hasHardProblem(a);
  const meaningful = a.tokens.length > 0 && !a.gibberish;
  switch (code) {
    case 'injection_attempt': return a.injection.detected;
    case 'gibberish': return a.gibberish;
    case 'spam': return a.spam.isSpam || a.spam.shouting || a.spam.repeatedChars;
    case 'off_topic': return a.offTopic;
    case 'copied_text': return a.templated || a.copied;
    case 'repetition': return a.repetition !== 'none';
    case 'too_short': return a.tooShort && meaningful;
    case 'generic_praise': return !hard && a.generic && a.sentiment.value >= 0 && a.sentiment.positive > 0;
    case 'generic_complaint': return !hard && a.generic && a.sentiment.value < 0;
    case 'concrete_details': return !hard && b.concreteness >= 50;
    case 'explains_why': return !hard && a.reasonMarkers.length > 0 && a.tokens.length >= 6;
    case 'suggestion': return !hard && a.suggestions.length > 0;
    case 'balanced': return !hard && a.sentiment.positive >= 1 && a.sentiment.negative >= 1;
    case 'personal_experience': return !hard && a.experience.length >= 2;
    case 'answered_questions': return !hard && a.questionAnswers.some((q) => q.answered);
    case 'detailed': return !hard && a.tokens.length >= 40;
    case 'few_details': return !hard && meaningful && b.concreteness < 30;
  }
}

/** Reasons for a breakdown, in catalogue order. Deterministic. */
export function selectReasons(a: FeedbackAnalysis, b: ScoreBreakdown): ScoreReason[] {
  return (Object.keys(REASON_CATALOGUE) as ReasonCode[]).filter((code) => applies(code, a, b)).map(reason);
}
