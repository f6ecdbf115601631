/**
 * Token-level part of the gibberish scorer: how un-word-like one token is.
 * A token is judged by its letter bigrams under the Swedish and the English table
 * (the better of the two counts, so mixed-language feedback is fine) and by
 * structural red flags that no sv/en word has.
 */
import { ALLOWED_TOKENS, KEYBOARD_ROWS, LANGUAGES, type BigramTable } from './gibberish-tables.js';
import { ramp } from './math.js';

/** Mean bigram plausibility at/above which a token is fully word-like … */
const WORDLIKE_PLAUSIBILITY = 0.8;
/** … and at/below which it is fully implausible (linear in between). */
const IMPLAUSIBLE_PLAUSIBILITY = 0.45;
/** Score of a "rare" consonant pair: low enough that two in one short token make it implausible. */
const RARE_PAIR = 0.35;
/** Longer than any real compound ("realisationsvinstbeskattningen" is 30); also bounds the work per token. */
const MAX_WORD_LENGTH = 45;
const ALL_VOWELS = new Set([...'aeiouyåäö']);

export function isVowel(ch: string): boolean {
  return ALL_VOWELS.has(ch);
}

function pairScore(table: BigramTable, a: string, b: string, atStart: boolean): number {
  if (!table.letters.has(a) || !table.letters.has(b)) return 0;
  if (a === 'q') return b === 'u' ? 1 : 0;
  const pair = a + b;
  const vowelA = table.vowels.has(a);
  const vowelB = table.vowels.has(b);
  if (vowelA && vowelB) {
    if (table.commonPairs.has(pair)) return 1;
    return table.impossibleVowelPairs.has(pair) ? 0 : 0.5;
  }
  if (vowelA || vowelB) return 1;
  if (atStart) return table.onsets.has(pair) ? 1 : 0;
  if (table.commonPairs.has(pair)) return 1;
  return table.rarePairs.has(pair) ? RARE_PAIR : 0;
}

/**
 * Mean bigram plausibility of a token under one language. Two uncommon consonant
 * pairs in a row ("kjl", "dfk") count as 0: a compound joint explains one odd pair,
 * not a whole odd cluster.
 */
function plausibility(table: BigramTable, token: string): number {
  const letters = [...token];
  const scores: number[] = [];
  const consonantPair: boolean[] = [];
  for (let i = 0; i + 1 < letters.length; i++) {
    const a = letters[i]!;
    const b = letters[i + 1]!;
    scores.push(pairScore(table, a, b, i === 0));
    consonantPair.push(!table.vowels.has(a) && !table.vowels.has(b));
  }
  for (let i = 0; i + 1 < scores.length; i++) {
    if (consonantPair[i] && consonantPair[i + 1] && scores[i]! < 1 && scores[i + 1]! < 1) scores[i] = scores[i + 1] = 0;
  }
  return scores.reduce((sum, s) => sum + s, 0) / scores.length;
}

/**
 * Longest run of consecutive keys along one keyboard row in one direction
 * ("qwer", "lkjh"); direction matters so that "were" (w→e→r←e) is not a walk.
 */
export function keyboardWalkLength(token: string): number {
  let best = 1;
  let run = 1;
  let direction = 0;
  for (let i = 1; i < token.length; i++) {
    const step = keyboardStep(token[i - 1]!, token[i]!);
    if (step !== 0 && (run === 1 || step === direction)) run++;
    else run = step === 0 ? 1 : 2;
    direction = step;
    best = Math.max(best, run);
  }
  return best;
}

/** +1 / −1 when b is the next / previous key after a on the same row, else 0. */
function keyboardStep(a: string, b: string): number {
  for (const row of KEYBOARD_ROWS) {
    const i = row.indexOf(a);
    if (i < 0) continue;
    const j = row.indexOf(b);
    return j >= 0 && Math.abs(j - i) === 1 ? j - i : 0;
  }
  return 0;
}

/** Smallest p such that the token repeats its first p letters ("djfkdjfkdj" → 4). */
function periodOf(token: string): number {
  for (let unit = 1; unit <= token.length / 2; unit++) {
    if (token.slice(unit) === token.slice(0, -unit)) return unit;
  }
  return token.length;
}

function longestRun(token: string, predicate: (ch: string) => boolean): number {
  let best = 0;
  let run = 0;
  for (const ch of token) {
    run = predicate(ch) ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/**
 * Repeated units: three or more repeats are mashing ("asdasdasd"), except short
 * laughter-like units ("hahaha"), which are only half-suspect. Exactly two repeats
 * are as suspect as the unit itself: "asdasd" is bad, "mormor"/"murmur" are words.
 */
function periodicBadness(token: string): number {
  const period = periodOf(token);
  if (period === token.length) return 0;
  if (period <= 2) return token.length >= 6 ? 0.6 : 0;
  if (token.length >= 3 * period) return 1;
  return tokenBadness(token.slice(0, period));
}

function keyboardWalkBadness(token: string): number {
  const walk = keyboardWalkLength(token);
  if (walk >= 5 || walk === token.length) return walk >= 3 ? 1 : 0; // "qwerty", "asd", "zxc"
  return walk >= 4 && walk / token.length >= 0.6 ? 1 : 0; // "asdfj", but not "property"
}

/** Structural red flags that no sv/en word has, as a badness in [0, 1]. */
function structuralBadness(token: string): number {
  const hard =
    /(.)\1\1/u.test(token) || // "jjj", "aaaa"
    longestRun(token, isVowel) === 0 ||
    longestRun(token, (ch) => !isVowel(ch)) >= 6 ||
    longestRun(token, isVowel) >= 5;
  return hard ? 1 : Math.max(periodicBadness(token), keyboardWalkBadness(token));
}

/** How un-word-like one token (≥ 2 letters) is: 0 = a plausible sv/en word, 1 = mash. */
export function tokenBadness(token: string): number {
  if (ALLOWED_TOKENS.has(token)) return 0;
  if (token.length > MAX_WORD_LENGTH) return 1;
  const structural = structuralBadness(token);
  if (structural === 1) return 1;
  const best = Math.max(...LANGUAGES.map((table) => plausibility(table, token)));
  return Math.max(structural, ramp(best, WORDLIKE_PLAUSIBILITY, IMPLAUSIBLE_PLAUSIBILITY));
}
