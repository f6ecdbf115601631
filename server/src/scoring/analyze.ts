import { categoryHits, rankCategories, type CategoryHits } from './categories.js';
import { extractDetails, relevanceOf, type Details } from './details.js';
import { detectInjection } from './injection.js';
import { detectLanguage } from './language.js';
import { buildContextMatchers } from './matchers.js';
import { isCopiedFrom, isGibberish, isTemplated, spamInfo, type SpamInfo } from './noise.js';
import { answerQuestions } from './question-answers.js';
import { analyzeSentiment, type SentimentResult } from './sentiment.js';
import {
  comparisonMarkers,
  experienceMarkers,
  reasonMarkers,
  repetitionInfo,
  repetitionLevel,
  specificWords,
  suggestionMarkers,
} from './signals.js';
import { normalizeText, splitSentences, tokenize } from './text.js';
import type { ConversationTurn, FeedbackCategory, Language, QuestionAnswer, ScoringContext } from './types.js';

/** Everything the embedded scorer knows about a conversation; pure function of its input. */
export interface FeedbackAnalysis {
  /** Customer text as given (turns joined by newlines). */
  rawText: string;
  /** Customer text with injected sentences blanked out: the only text that earns points. */
  text: string;
  tokens: string[];
  sentences: string[];
  language: Language;
  injection: { detected: boolean; patterns: string[] };
  details: Details;
  relevance: number;
  sentiment: SentimentResult;
  categoryHits: CategoryHits;
  categories: FeedbackCategory[];
  experience: string[];
  reasonMarkers: string[];
  suggestions: string[];
  comparisons: string[];
  specificWords: string[];
  generic: boolean;
  repetition: 'none' | 'mild' | 'severe';
  spam: SpamInfo;
  gibberish: boolean;
  templated: boolean;
  copied: boolean;
  offTopic: boolean;
  tooShort: boolean;
  questionAnswers: QuestionAnswer[];
}

const MIN_WORDS = 4;

function cleanTurns(turns: readonly ConversationTurn[]) {
  let detected = false;
  const patterns = new Set<string>();
  const cleaned = turns.map((turn) => {
    if (turn.role !== 'customer') return turn;
    const inj = detectInjection(turn.text);
    detected ||= inj.detected;
    inj.patterns.forEach((p) => patterns.add(p));
    return { ...turn, text: inj.cleanedText };
  });
  return { cleaned, injection: { detected, patterns: [...patterns] } };
}

/** Sources a customer could paste instead of writing: our questions and the business's own text. */
function copySources(turns: readonly ConversationTurn[], context: ScoringContext): string[] {
  return [
    ...turns.filter((t) => t.role === 'assistant').map((t) => t.text),
    ...context.questions.map((q) => q.text),
    context.campaigns ?? '',
    context.knownIssues ?? '',
  ].filter(Boolean);
}

export function analyzeFeedback(turns: readonly ConversationTurn[], context: ScoringContext): FeedbackAnalysis {
  const rawText = turns.filter((t) => t.role === 'customer').map((t) => t.text).join('\n');
  const { cleaned, injection } = cleanTurns(turns);
  const text = cleaned.filter((t) => t.role === 'customer').map((t) => t.text).join('\n');
  const tokens = tokenize(text);
  // Punctuation-only fragments ("!!!", ".") are not sentences and must not count as effort.
  const sentences = splitSentences(text).filter((s) => /[\p{L}\p{N}]/u.test(s));
  const lower = normalizeText(text).toLowerCase();
  const ctx = buildContextMatchers(context);
  const language = detectLanguage(tokens.length > 0 ? text : rawText);

  const details = extractDetails(lower, tokens, context.businessType, ctx);
  const hits = categoryHits(tokens, ctx, context.businessType);
  const keywordHits = Object.values(hits).reduce((a, b) => a + (b ?? 0), 0);
  const relevance = relevanceOf(details, tokens, ctx, keywordHits);
  const spam = spamInfo(text);
  // Text with characters but no words at all ("!!!!!!") is as meaningless as keyboard mashing.
  const gibberish = isGibberish(tokens) || (tokens.length === 0 && text.trim().length > 0);
  const specific = specificWords(tokens);
  const contentCount = tokens.filter((t) => t.length > 1).length;

  return {
    rawText,
    text,
    tokens,
    sentences,
    language,
    injection,
    details,
    relevance,
    sentiment: analyzeSentiment(text),
    categoryHits: hits,
    categories: rankCategories(hits, tokens.length > 0 && !gibberish && !spam.isSpam),
    experience: experienceMarkers(tokens, language),
    reasonMarkers: reasonMarkers(tokens),
    suggestions: suggestionMarkers(sentences),
    comparisons: comparisonMarkers(tokens),
    specificWords: specific,
    generic: tokens.length > 0 && details.weight < 1 && specific.length <= 2,
    repetition: repetitionLevel(repetitionInfo(tokens, sentences), contentCount),
    spam,
    gibberish,
    templated: isTemplated(text),
    copied: isCopiedFrom(text, copySources(turns, context)),
    // Off-topic needs real content about something else; "helt okej, inget att klaga på" is just generic.
    offTopic: !gibberish && tokens.length >= 5 && specific.length >= 3 && relevance < 1,
    tooShort: tokens.length < MIN_WORDS,
    questionAnswers: answerQuestions(cleaned, context, ctx),
  };
}
