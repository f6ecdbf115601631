import { analyzeFeedback, type FeedbackAnalysis } from './analyze.js';
import { breakdownOf } from './breakdown.js';
import { categoryHits } from './categories.js';
import { extractDetails } from './details.js';
import { detectLanguage } from './language.js';
import { buildContextMatchers } from './matchers.js';
import { normalizeText, tokenize } from './text.js';
import {
  FEEDBACK_CATEGORIES,
  type FeedbackCategory,
  type FollowUpGenerator,
  type FollowUpInput,
  type FollowUpQuestion,
  type ScoringContext,
} from './types.js';

/** At most two follow-ups after the first answer, so the conversation stays short (2–4 turns). */
export const MAX_FOLLOW_UPS = 2;
/** Feedback this concrete and deep needs no more questions. */
const RICH = { concreteness: 60, depth: 55 } as const;
/** Below these a general "give an example" question is still worth asking. */
const THIN = { concreteness: 40, depth: 40 } as const;

export const CATEGORY_PROMPTS: Record<FeedbackCategory, { sv: string; en: string }> = {
  service: {
    sv: 'Vad i servicen gjorde störst intryck? Beskriv gärna en konkret situation.',
    en: 'What about the service stood out most? Please describe a specific moment.',
  },
  staff: {
    sv: 'Kan du berätta mer om mötet med personalen – vad hände, och ungefär när?',
    en: 'Could you tell us more about your interaction with the staff – what happened, and roughly when?',
  },
  product: {
    sv: 'Vilken produkt eller rätt tänker du på, och vad var bra eller mindre bra med den?',
    en: 'Which product or dish do you have in mind, and what was good or less good about it?',
  },
  quality: {
    sv: 'Vad märkte du mer konkret om kvaliteten – till exempel smak, fräschhet eller hållbarhet?',
    en: 'What exactly did you notice about the quality – for example taste, freshness or durability?',
  },
  price: {
    sv: 'Vad kostade det, och vad hade känts som ett rimligt pris?',
    en: 'What did it cost, and what would have felt like a fair price?',
  },
  waiting_time: {
    sv: 'Ungefär hur länge fick du vänta, och vid vilken tid på dagen var det?',
    en: 'Roughly how long did you wait, and at what time of day was it?',
  },
  cleanliness: {
    sv: 'Var i lokalen märkte du det, och vad kunde ha varit bättre?',
    en: 'Where in the premises did you notice it, and what could have been better?',
  },
  atmosphere: {
    sv: 'Vad i miljön påverkade upplevelsen mest – till exempel ljud, ljus eller möblering?',
    en: 'What about the surroundings affected your visit most – for example sound, lighting or seating?',
  },
  selection: {
    sv: 'Vad letade du efter, och vad saknade du i sortimentet?',
    en: 'What were you looking for, and what was missing from the range?',
  },
  accessibility: {
    sv: 'Vad gjorde det lätt eller svårt att ta sig fram, och vad skulle hjälpa?',
    en: 'What made it easy or hard to get around, and what would help?',
  },
  other: {
    sv: 'Kan du ge ett konkret exempel från ditt besök – vad hände, och vad kunde ha varit bättre?',
    en: 'Could you give a concrete example from your visit – what happened, and what could have been better?',
  },
};

function customerLanguage(a: FeedbackAnalysis): 'sv' | 'en' {
  return a.language === 'en' ? 'en' : 'sv';
}

/** A business question is asked verbatim; in the other language it gets a short lead-in. */
export function localizeBusinessQuestion(text: string, language: 'sv' | 'en'): string {
  const questionLanguage = detectLanguage(text);
  if (language === 'en' && questionLanguage === 'sv') return `The business would also like to know: "${text}"`;
  if (language === 'sv' && questionLanguage === 'en') return `Verksamheten undrar också: "${text}"`;
  return text;
}

/** Clauses, so that "Bra kaffe men lite trångt" judges the coffee and the crowding separately. */
const CLAUSE_BREAK = /[,;:–—]|\s(?:men|och|samt|fast|but|and|though)\s/iu;

/** Categories mentioned only in clauses that carry no concrete detail, most-mentioned first. */
export function categoriesLackingDetail(a: FeedbackAnalysis, context: ScoringContext): FeedbackCategory[] {
  const ctx = buildContextMatchers(context);
  const vague = new Map<FeedbackCategory, number>();
  const detailed = new Set<FeedbackCategory>();
  for (const clause of a.sentences.flatMap((s) => s.split(CLAUSE_BREAK))) {
    const tokens = tokenize(clause);
    const hits = categoryHits(tokens, ctx, context.businessType);
    const hasDetail = extractDetails(normalizeText(clause).toLowerCase(), tokens, context.businessType, ctx).weight >= 1;
    for (const [category, n] of Object.entries(hits) as [FeedbackCategory, number][]) {
      if (hasDetail) detailed.add(category);
      else vague.set(category, (vague.get(category) ?? 0) + n);
    }
  }
  return FEEDBACK_CATEGORIES.filter((c) => vague.has(c) && !detailed.has(c)).sort((x, y) => (vague.get(y) ?? 0) - (vague.get(x) ?? 0));
}

function alreadyAsked(input: FollowUpInput): { ids: Set<string>; texts: Set<string> } {
  const assistant = input.turns.filter((t) => t.role === 'assistant');
  return {
    ids: new Set(assistant.flatMap((t) => (t.questionId ? [t.questionId] : []))),
    texts: new Set(assistant.map((t) => normalizeText(t.text).trim().toLowerCase())),
  };
}

/**
 * Deterministic follow-up rules, shared by the LLM generator:
 * 1. nothing before the first answer, nothing after two follow-ups;
 * 2. an unanswered (and not yet asked) business question, with its questionId;
 * 3. nothing when the feedback is already rich;
 * 4. a detail question about the most-mentioned category that lacks concrete detail;
 * 5. a general "give an example" question when the feedback is still thin;
 * never the same question twice.
 */
export function planFollowUp(input: FollowUpInput): FollowUpQuestion | null {
  if (input.askedSoFar >= MAX_FOLLOW_UPS) return null;
  if (!input.turns.some((t) => t.role === 'customer' && t.text.trim().length > 0)) return null;
  const analysis = analyzeFeedback(input.turns, input.context);
  const language = customerLanguage(analysis);
  const asked = alreadyAsked(input);
  const fresh = (text: string) => !asked.texts.has(normalizeText(text).trim().toLowerCase());

  const unanswered = input.context.questions.find(
    (q, i) => !asked.ids.has(q.id) && analysis.questionAnswers[i]?.answered === false && fresh(q.text),
  );
  if (unanswered) return { text: localizeBusinessQuestion(unanswered.text, language), questionId: unanswered.id, language };

  const breakdown = breakdownOf(analysis);
  if (breakdown.concreteness >= RICH.concreteness && breakdown.depth >= RICH.depth) return null;

  const candidates: FeedbackCategory[] = categoriesLackingDetail(analysis, input.context).filter((c) => c !== 'other');
  if (breakdown.concreteness < THIN.concreteness || breakdown.depth < THIN.depth) candidates.push('other');
  const next = candidates.map((c) => CATEGORY_PROMPTS[c][language]).find(fresh);
  return next ? { text: next, language } : null;
}

/** Embedded, deterministic follow-up generator (no network). */
export class EmbeddedFollowUpGenerator implements FollowUpGenerator {
  async nextQuestion(input: FollowUpInput): Promise<FollowUpQuestion | null> {
    return planFollowUp(input);
  }
}
