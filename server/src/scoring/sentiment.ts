import { EN_INTENSIFIERS, EN_NEGATORS, EN_SENTIMENT } from './lexicon-en.js';
import { SV_INTENSIFIER_PREFIXES, SV_INTENSIFIERS, SV_NEGATORS, SV_SENTIMENT } from './lexicon-sv.js';
import { splitSentences, tokenize } from './text.js';
import type { SentimentLabel } from './types.js';

export interface SentimentResult {
  /** -1..1, two decimals */
  value: number;
  label: SentimentLabel;
  /** Sum of positive evidence after negation/intensifiers. */
  positive: number;
  /** Sum of negative evidence (as a positive number). */
  negative: number;
}

const NEGATION_WINDOW = 3;
/** A negated word flips and weakens: "inte dåligt" is mildly positive, not glowing. */
const NEGATION_FACTOR = -0.75;
const INTENSIFIER_FACTOR = 1.5;
const CLAUSE_BREAKERS = new Set(['men', 'but', 'however', 'dock', 'fast', 'although', 'though']);

function baseWeight(token: string): number | undefined {
  const direct = SV_SENTIMENT[token] ?? EN_SENTIMENT[token];
  if (direct !== undefined) return direct;
  // Swedish intensifying compounds: "jättegod", "supertrevlig".
  for (const prefix of SV_INTENSIFIER_PREFIXES) {
    if (token.startsWith(prefix) && token.length > prefix.length + 2) {
      const rest = SV_SENTIMENT[token.slice(prefix.length)];
      if (rest !== undefined) return rest * INTENSIFIER_FACTOR;
    }
  }
  return undefined;
}

function isNegator(token: string): boolean {
  return SV_NEGATORS.has(token) || EN_NEGATORS.has(token) || /n't$/.test(token);
}

function isIntensifier(token: string): boolean {
  return SV_INTENSIFIERS.has(token) || EN_INTENSIFIERS.has(token);
}

/** Looks back within the clause for a negator or an intensifier. */
function modifierFactor(tokens: string[], index: number): number {
  let factor = 1;
  for (let back = 1; back <= NEGATION_WINDOW && index - back >= 0; back++) {
    const prev = tokens[index - back] ?? '';
    if (CLAUSE_BREAKERS.has(prev)) break;
    if (isNegator(prev)) return factor * NEGATION_FACTOR;
    if (back <= 2 && isIntensifier(prev)) factor = INTENSIFIER_FACTOR;
  }
  return factor;
}

function scoreSentence(tokens: string[]): { positive: number; negative: number } {
  let positive = 0;
  let negative = 0;
  tokens.forEach((token, i) => {
    // "kind of", "sort of" are hedges, not praise.
    if ((token === 'kind' || token === 'sort') && tokens[i + 1] === 'of') return;
    const weight = baseWeight(token);
    if (weight === undefined || weight === 0) return;
    const value = weight * modifierFactor(tokens, i);
    if (value > 0) positive += value;
    else negative -= value;
  });
  return { positive, negative };
}

export function labelFor(value: number, positive: number, negative: number): SentimentLabel {
  const strong = Math.min(positive, negative);
  if (positive >= 2 && negative >= 2 && strong / Math.max(positive, negative) >= 0.3) return 'mixed';
  if (value >= 0.2) return 'positive';
  if (value <= -0.2) return 'negative';
  return 'neutral';
}

/** Lexicon sentiment (sv + en) with negation ("inte bra", "not good") and intensifiers. */
export function analyzeSentiment(text: string): SentimentResult {
  let positive = 0;
  let negative = 0;
  for (const sentence of splitSentences(text)) {
    const s = scoreSentence(tokenize(sentence));
    positive += s.positive;
    negative += s.negative;
  }
  const raw = (positive - negative) / (positive + negative + 1);
  const value = Math.round(Math.max(-1, Math.min(1, raw)) * 100) / 100;
  return { value, label: labelFor(value, positive, negative), positive, negative };
}
