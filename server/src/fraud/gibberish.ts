/**
 * gibberishScore(text) ∈ [0, 1]: how little a Swedish/English feedback text looks
 * like language. 0 = ordinary sentences, 1 = keyboard mashing or symbols only.
 *
 * Signals, each mapped to [0, 1]; the score is their maximum (one clear sign of
 * mashing is enough, and weak traces in real text don't pile up into a false alarm):
 *  - tokens:      length-weighted share of words that don't look like words
 *                 (implausible bigrams under both the sv and the en table, no vowel,
 *                 "jjjj", "asdfasdf", keyboard walks like "qwerty"/"asdf");
 *  - singles:     mostly one-letter tokens ("a s d f");
 *  - non-letters: mostly digits/symbols;
 *  - vowels:      far too few or too many vowels (only trusted for longer texts);
 *  - repetition:  the same word pair over and over ("bra bra bra bra bra").
 * Texts in other scripts score high: the product collects sv/en feedback only.
 */
import { foldText } from './normalize.js';
import { isVowel, tokenBadness } from './gibberish-token.js';
import { ramp } from './math.js';

export { keyboardWalkLength, tokenBadness } from './gibberish-token.js';

/** Repetition of real words is filler rather than mashing: strong, but capped below 1. */
const REPETITION_WEIGHT = 0.85;

interface TextStats {
  tokens: string[];
  letters: number;
  nonLetters: number;
  vowels: number;
}

function textStats(folded: string): TextStats {
  let letters = 0;
  let nonLetters = 0;
  let vowels = 0;
  for (const ch of folded) {
    if (/\p{L}/u.test(ch)) {
      letters++;
      if (isVowel(ch)) vowels++;
    } else if (!/\s/u.test(ch)) nonLetters++;
  }
  const tokens = folded.split(/[^\p{L}]+/u).filter((t) => t !== '');
  return { tokens, letters, nonLetters, vowels };
}

function tokensSignal(tokens: string[]): number {
  const words = tokens.filter((t) => [...t].length >= 2);
  if (words.length === 0) return 0.8; // only single letters: nothing word-like at all
  let weighted = 0;
  let total = 0;
  for (const word of words) {
    const weight = [...word].length;
    weighted += weight * tokenBadness(word);
    total += weight;
  }
  return weighted / total;
}

function singlesSignal(tokens: string[]): number {
  if (tokens.length < 4) return 0;
  const singles = tokens.filter((t) => [...t].length === 1).length;
  return ramp(singles / tokens.length, 0.45, 0.8);
}

function vowelSignal(stats: TextStats): number {
  const ratio = stats.vowels / stats.letters;
  const anomaly = Math.max(ramp(ratio, 0.22, 0.1), ramp(ratio, 0.65, 0.85));
  return anomaly * Math.min(1, stats.letters / 30); // "Snyggt!" is fine; a paragraph at 10% vowels is not
}

/** The same token or word pair over and over: "bra bra bra bra", "tyty tyty tyty". */
function repetitionSignal(tokens: string[]): number {
  if (tokens.length >= 3 && new Set(tokens).size === 1) return REPETITION_WEIGHT;
  if (tokens.length < 5) return 0;
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < tokens.length; i++) pairs.add(`${tokens[i]} ${tokens[i + 1]}`);
  // Natural text almost never repeats a word pair; most pairs being repeats is filler.
  return REPETITION_WEIGHT * ramp(pairs.size / (tokens.length - 1), 0.6, 0.25);
}

export interface GibberishBreakdown {
  score: number;
  tokens: number;
  singles: number;
  nonLetters: number;
  vowels: number;
  repetition: number;
}

/** The score together with each component (for evidence and for tuning). */
export function gibberishBreakdown(text: string): GibberishBreakdown {
  const stats = textStats(foldText(text));
  if (stats.letters === 0) return { score: 1, tokens: 1, singles: 0, nonLetters: stats.nonLetters > 0 ? 1 : 0, vowels: 0, repetition: 0 };
  const parts = {
    tokens: tokensSignal(stats.tokens),
    singles: singlesSignal(stats.tokens),
    nonLetters: ramp(stats.nonLetters / (stats.letters + stats.nonLetters), 0.35, 0.75),
    vowels: vowelSignal(stats),
    repetition: repetitionSignal(stats.tokens),
  };
  return { score: Math.max(...Object.values(parts)), ...parts };
}

/** 0..1, higher = more like keyboard mashing. A text without any letters scores 1. */
export function gibberishScore(text: string): number {
  return gibberishBreakdown(text).score;
}
