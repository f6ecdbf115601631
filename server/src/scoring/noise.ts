import { SPAM_PHRASES, TEMPLATE_PATTERNS } from './lexicon-domain.js';
import { isKnownWord } from './language.js';
import { TermMatcher, tokenize } from './text.js';

/** Detectors for text that should never pay: spam, gibberish, templates and copied prompts. */

const SPAM = new TermMatcher(SPAM_PHRASES, { inflections: false });
// Bounded, anchored-by-lookbehind patterns: linear time even on 100 kB of one character.
const URL = /(?:https?:\/\/|www\.)\S|(?<![\p{L}\p{N}@.-])[\p{L}\p{N}-]{1,63}\.(?:com|se|net|org|io|nu|info|biz|xyz|ly)(?![\p{L}\p{N}])/iu;
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}\.[\p{L}\p{N}.-]{2,}/iu;
const VOWELS = /[aeiouyåäöéü]/gi;
const KEYBOARD_ROWS = ['qwertyuiopå', 'asdfghjklöä', 'zxcvbnm'];

export interface SpamInfo {
  signals: string[];
  /** Links, e-mail addresses or advertising phrases: spam on their own. */
  isSpam: boolean;
  /** Mostly capital letters (shouting). */
  shouting: boolean;
  /** A character repeated 6+ times ("!!!!!!", "braaaaaa"). */
  repeatedChars: boolean;
}

export function spamInfo(text: string): SpamInfo {
  const signals: string[] = [];
  if (URL.test(text)) signals.push('url');
  if (EMAIL.test(text)) signals.push('email');
  const promo = SPAM.find(tokenize(text));
  if (promo.length > 0) signals.push(`promo:${promo.join(',')}`);
  const letters = text.replace(/[^\p{L}]/gu, '');
  const upper = letters.replace(/[^\p{Lu}]/gu, '').length;
  const shouting = letters.length >= 10 && upper / letters.length > 0.7;
  const repeatedChars = /(\S)\1{5,}/u.test(text);
  if (shouting) signals.push('caps');
  if (repeatedChars) signals.push('repeated_chars');
  const isSpam = signals.some((s) => s === 'url' || s === 'email' || s.startsWith('promo:')) || signals.length >= 3;
  return { signals, isSpam, shouting, repeatedChars };
}

function isKeyboardRun(token: string): boolean {
  if (token.length < 5) return false;
  for (let i = 0; i + 5 <= token.length; i++) {
    const chunk = token.slice(i, i + 5);
    const reversed = [...chunk].reverse().join('');
    if (KEYBOARD_ROWS.some((row) => row.includes(chunk) || row.includes(reversed))) return true;
  }
  return false;
}

/** Repeats a short unit at least three times ("plplpl", "hhhh", "dfghdfgh"). */
function isRepeatedUnit(token: string): boolean {
  return /^(.{1,4})\1{2,}.{0,3}$/u.test(token) || /^(.{3,5})\1+$/u.test(token);
}

/** One token that no human language would produce. */
export function isGibberishToken(token: string): boolean {
  if (!/\p{L}/u.test(token) || isKnownWord(token)) return false;
  const letters = token.replace(/[^\p{L}]/gu, '').slice(0, 64);
  if (letters.length < 3) return false;
  const vowelRatio = (letters.match(VOWELS)?.length ?? 0) / letters.length;
  const consonantRun = /[^aeiouyåäöéü\P{L}]{5,}/iu.test(letters);
  return vowelRatio === 0 || vowelRatio > 0.85 || consonantRun || isRepeatedUnit(letters) || isKeyboardRun(letters);
}

/**
 * Gibberish: letters but (almost) no dictionary words, and a large share of tokens that look
 * like keyboard mashing, repeated units or vowel-less strings.
 */
export function isGibberish(tokens: readonly string[]): boolean {
  const wordy = tokens.filter((t) => /\p{L}/u.test(t));
  if (wordy.length === 0) return false;
  const known = wordy.filter((t) => isKnownWord(t)).length / wordy.length;
  const odd = wordy.filter((t) => isGibberishToken(t)).length / wordy.length;
  if (known >= 0.34) return false;
  return odd >= 0.5 || (known === 0 && odd >= 0.34);
}

/** Placeholders, lorem ipsum and stock review boilerplate. */
export function isTemplated(text: string): boolean {
  return TEMPLATE_PATTERNS.some((p) => p.test(text));
}

function trigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 3 <= tokens.length; i++) out.push(tokens.slice(i, i + 3).join(' '));
  return out;
}

/**
 * Text pasted from our own prompts or the business's context (questions, campaigns, known
 * issues): most of its word trigrams appear verbatim in those sources.
 */
export function isCopiedFrom(customerText: string, sources: readonly string[]): boolean {
  const grams = trigrams(tokenize(customerText));
  if (grams.length < 4) return false;
  const pool = new Set(sources.flatMap((s) => trigrams(tokenize(s))));
  if (pool.size === 0) return false;
  const copied = grams.filter((g) => pool.has(g)).length;
  return copied / grams.length >= 0.6;
}
