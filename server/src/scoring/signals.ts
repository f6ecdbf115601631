import {
  EN_COMPARISON_PHRASES,
  EN_EXPERIENCE_VERBS,
  EN_FIRST_PERSON,
  EN_GENERIC_TERMS,
  EN_IMPERATIVES,
  EN_REASON_MARKERS,
  EN_SUGGESTION_PHRASES,
} from './lexicon-en.js';
import {
  SV_COMPARISON_PHRASES,
  SV_EXPERIENCE_VERBS,
  SV_FIRST_PERSON,
  SV_GENERIC_TERMS,
  SV_IMPERATIVES,
  SV_REASON_MARKERS,
  SV_SUGGESTION_PHRASES,
} from './lexicon-sv.js';
import { isStopword } from './matchers.js';
import { TermMatcher, tokenize } from './text.js';
import type { Language } from './types.js';

/** Effort and constructiveness markers: exact words and phrases ("men" ≠ "menyn", "borde" ≠ "borden"). */
const REASON = new TermMatcher([...SV_REASON_MARKERS, ...EN_REASON_MARKERS], { inflections: false });
const SUGGESTION = new TermMatcher([...SV_SUGGESTION_PHRASES, ...EN_SUGGESTION_PHRASES], { inflections: false });
const COMPARISON = new TermMatcher([...SV_COMPARISON_PHRASES, ...EN_COMPARISON_PHRASES], { inflections: false });

/** "maybe/kanske" + imperative or "you/ni", and conditional "if you …ed" are suggestions too. */
const SUGGESTION_PATTERNS: RegExp[] = [
  /(?<![\p{L}])(?:maybe|perhaps|kanske)\s+(?:you|ni|man|we|vi|\p{L}+(?:a|e))\s/u,
  /\bif you \w+ed\b/u,
  /\bwould (?:help|fix|save|make|solve)\b/u,
  /(?<![\p{L}])(?:hade|skulle)\s+(?:sparat|löst|hjälpt|gjort|underlättat|förbättrat)(?![\p{L}])/u,
];

export function reasonMarkers(tokens: readonly string[]): string[] {
  return REASON.find(tokens).filter((m) => m !== 'so' && m !== 'så');
}

export function comparisonMarkers(tokens: readonly string[]): string[] {
  return COMPARISON.find(tokens);
}

/** Distinct suggestions: phrases, patterns, and sentences that open with an imperative verb. */
export function suggestionMarkers(sentences: readonly string[]): string[] {
  const found = new Set<string>();
  for (const sentence of sentences) {
    const tokens = tokenize(sentence);
    const lower = sentence.toLowerCase();
    SUGGESTION.find(tokens).forEach((m) => found.add(m));
    SUGGESTION_PATTERNS.forEach((p, i) => p.test(lower) && found.add(`pattern:${i}`));
    const first = tokens[0] ?? '';
    if (tokens.length >= 3 && (SV_IMPERATIVES.has(first) || EN_IMPERATIVES.has(first))) found.add(`imperative:${first}`);
  }
  return [...found];
}

/** First-person pronouns and past-tense "I did" verbs: a lived visit rather than a slogan. */
export function experienceMarkers(tokens: readonly string[], language: Language): string[] {
  const pronouns = language === 'en' ? EN_FIRST_PERSON : language === 'sv' ? SV_FIRST_PERSON : new Set([...SV_FIRST_PERSON, ...EN_FIRST_PERSON].filter((w) => w !== 'i'));
  const found = new Set<string>();
  for (const t of tokens) {
    if (pronouns.has(t) || SV_EXPERIENCE_VERBS.has(t) || EN_EXPERIENCE_VERBS.has(t)) found.add(t);
  }
  return [...found];
}

/**
 * Words that carry specific content: not stopwords and not generic evaluation words
 * ("bra", "great", "allt"). Few of these means the text says how it was, not what happened.
 */
export function specificWords(tokens: readonly string[]): string[] {
  return tokens.filter((t) => !isStopword(t) && !SV_GENERIC_TERMS.has(t) && !EN_GENERIC_TERMS.has(t) && !/^\d+$/.test(t) && t.length > 1);
}

export interface RepetitionInfo {
  /** Unique/total over content words (1 = no repetition). */
  uniqueRatio: number;
  /** Longest run of the same token back to back. */
  longestRun: number;
  duplicateSentences: number;
}

export function repetitionInfo(tokens: readonly string[], sentences: readonly string[]): RepetitionInfo {
  const content = tokens.filter((t) => !isStopword(t));
  const uniqueRatio = content.length === 0 ? 1 : new Set(content).size / content.length;
  let longestRun = tokens.length > 0 ? 1 : 0;
  let run = 1;
  for (let i = 1; i < tokens.length; i++) {
    run = tokens[i] === tokens[i - 1] ? run + 1 : 1;
    longestRun = Math.max(longestRun, run);
  }
  const seen = new Set<string>();
  let duplicateSentences = 0;
  for (const s of sentences) {
    const key = tokenize(s).join(' ');
    if (key.length < 8) continue;
    if (seen.has(key)) duplicateSentences += 1;
    seen.add(key);
  }
  return { uniqueRatio, longestRun, duplicateSentences };
}

/** Severe repetition ("hej hej hej …") versus mild ("bra service, bra priser, bra allt"). */
export function repetitionLevel(info: RepetitionInfo, contentCount: number): 'none' | 'mild' | 'severe' {
  if (info.longestRun >= 4 || info.duplicateSentences >= 2 || (contentCount >= 5 && info.uniqueRatio < 0.35)) return 'severe';
  if (info.longestRun >= 3 || info.duplicateSentences >= 1 || (contentCount >= 5 && info.uniqueRatio < 0.6)) return 'mild';
  return 'none';
}
