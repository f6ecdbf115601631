import { categoryHits } from './categories.js';
import { isKnownWord } from './language.js';
import { isStopword, type ContextMatchers } from './matchers.js';
import { isGibberish } from './noise.js';
import { excerpt, splitSentences, tokenize } from './text.js';
import type { BusinessType, ConversationTurn, FeedbackCategory, QuestionAnswer, ScoringContext } from './types.js';

/** Question words that say nothing about the topic ("Hur upplevde du …?"). */
const QUESTION_FILLER = new Set(
  `hur vad vilken vilket vilka varför tyckte tycker tycka upplevde upplever uppleva tänker känner
  besöket besök idag dag gärna berätta beskriv how what which why think thought feel felt find
  experience experienced visit today tell describe please`.split(/\s+/).filter(Boolean),
);

export function questionKeywords(question: string): string[] {
  return [...new Set(tokenize(question).filter((t) => t.length >= 2 && !isStopword(t) && !QUESTION_FILLER.has(t)))];
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** "kassan"~"kassa", "kön"~"kö", "provrummet"~"provrum"; "storlek"≁"stort". */
export function matchesKeyword(token: string, keyword: string): boolean {
  if (token === keyword) return true;
  const shortest = Math.min(token.length, keyword.length);
  if (shortest < 5) return commonPrefix(token, keyword) === shortest && Math.abs(token.length - keyword.length) <= 2;
  const common = commonPrefix(token, keyword);
  return common >= 5 && common >= 0.6 * Math.max(token.length, keyword.length) - 1;
}

/** A reply counts as an answer when it carries real words ("Ja" and "Nej" included). */
function isSubstantive(text: string): boolean {
  const tokens = tokenize(text);
  if (tokens.length === 0 || isGibberish(tokens)) return false;
  return tokens.length >= 2 || isKnownWord(tokens[0] ?? '');
}

/**
 * Customer text given in reply to this question: the customer turns right after the assistant
 * turn that carried its questionId, or customer turns tagged with it by the conversation service.
 */
function directAnswer(turns: readonly ConversationTurn[], questionId: string): string {
  const picked = new Set<number>();
  turns.forEach((turn, i) => {
    if (turn.role === 'customer' && turn.questionId === questionId) picked.add(i);
    if (turn.role !== 'assistant' || turn.questionId !== questionId) return;
    for (let j = i + 1; j < turns.length && turns[j]?.role === 'customer'; j++) picked.add(j);
  });
  return [...picked].sort((a, b) => a - b).map((i) => turns[i]?.text ?? '').join('\n').trim();
}

interface SentenceInfo {
  sentence: string;
  tokens: string[];
  categories: Set<FeedbackCategory>;
}

interface SentenceMatch {
  sentence: string;
  score: number;
}

function categoriesOf(tokens: readonly string[], ctx: ContextMatchers, type: BusinessType): Set<FeedbackCategory> {
  return new Set(Object.keys(categoryHits(tokens, ctx, type)) as FeedbackCategory[]);
}

/** Best sentence by keyword overlap plus one point for a shared topic (category). */
function bestOverlap(question: string, sentences: readonly SentenceInfo[], ctx: ContextMatchers, type: BusinessType): SentenceMatch | undefined {
  const keywords = questionKeywords(question);
  const qCategories = categoriesOf(tokenize(question), ctx, type);
  let best: SentenceMatch | undefined;
  for (const { sentence, tokens, categories } of sentences) {
    const overlap = keywords.filter((k) => tokens.some((t) => matchesKeyword(t, k))).length;
    const sharesTopic = [...qCategories].some((c) => categories.has(c));
    const score = overlap + (sharesTopic ? 1 : 0);
    const enough = score >= 2 || (score >= 1 && keywords.length <= 2);
    if (enough && (!best || score > best.score)) best = { sentence, score };
  }
  return best;
}

/**
 * For each of the business's questions: answered directly (reply to the assistant turn that
 * carried its questionId) or indirectly (a customer sentence shares its keywords/topic).
 * `customerTurns` must already have injected sentences removed.
 */
export function answerQuestions(
  turns: readonly ConversationTurn[],
  context: ScoringContext,
  ctx: ContextMatchers,
): QuestionAnswer[] {
  const sentences = turns
    .filter((t) => t.role === 'customer')
    .flatMap((t) => splitSentences(t.text))
    .map((sentence) => ({ sentence, tokens: tokenize(sentence) }))
    .filter((s) => s.tokens.length > 0)
    .map((s) => ({ ...s, categories: categoriesOf(s.tokens, ctx, context.businessType) }));
  return context.questions.map((q) => {
    const direct = directAnswer(turns, q.id);
    if (direct && isSubstantive(direct)) {
      return { questionId: q.id, answered: true, summary: excerpt(splitSentences(direct)[0] ?? direct) };
    }
    const match = bestOverlap(q.text, sentences, ctx, context.businessType);
    return match
      ? { questionId: q.id, answered: true, summary: excerpt(match.sentence) }
      : { questionId: q.id, answered: false, summary: '' };
  });
}
