/** Text primitives shared by every scoring signal: normalisation, tokens, sentences, term matching. */

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

/** NFKC folds look-alike forms (full-width letters, ligatures); zero-width characters are dropped. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').replace(ZERO_WIDTH, '').replace(/[’‘`´]/g, "'");
}

const WORD = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;

/** Lower-case word tokens; apostrophes and inner hyphens stay inside a token ("wasn't", "self-checkout"). */
export function tokenize(text: string): string[] {
  return normalizeText(text).toLowerCase().match(WORD) ?? [];
}

export interface Segment {
  text: string;
  start: number;
  end: number;
}

/**
 * Sentence segments with their spans in the original string. A boundary is terminal punctuation
 * followed by whitespace (so "www.x.se" and "12.30" stay whole) or a line break.
 */
export function splitSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  const boundary = /[.!?…]+(?=\s|$)|\n/g;
  let start = 0;
  for (const m of text.matchAll(boundary)) {
    const end = (m.index ?? 0) + m[0].length;
    pushSegment(segments, text, start, end);
    start = end;
  }
  pushSegment(segments, text, start, text.length);
  return segments;
}

function pushSegment(out: Segment[], text: string, start: number, end: number): void {
  const slice = text.slice(start, end);
  if (slice.trim().length > 0) out.push({ text: slice, start, end });
}

export function splitSentences(text: string): string[] {
  return splitSegments(text).map((s) => s.text.trim());
}

/** Inflection endings (Swedish + English) accepted after a dictionary term. */
const SUFFIXES = ['s', 'es', 'ed', 'ing', 'er', 'erna', 'en', 'et', 'ar', 'arna', 'or', 'orna', 'na', 'n', 't', 'a', 'ns', 'ens', 'ets'];
/** Swedish definite/neuter endings that only attach to a vowel ("kö"→"kön", but "bar"↛"barn"). */
const VOWEL_ONLY_SUFFIXES = new Set(['n', 't', 'na', 'ns']);
const VOWELS = new Set('aeiouyåäöéü');

function endsWithVowel(word: string): boolean {
  return VOWELS.has(word.at(-1) ?? '');
}

function isInflectionOf(token: string, term: string): boolean {
  if (!token.startsWith(term)) return false;
  const rest = token.slice(term.length);
  if (rest === '') return true;
  if (!SUFFIXES.includes(rest)) return false;
  return !VOWEL_ONLY_SUFFIXES.has(rest) || endsWithVowel(term);
}

/**
 * True when the token is the term, an inflection of it, or (terms of 4+ letters) a Swedish
 * compound whose head is the term: "kardemummabullarna" ⊃ "bullar", "självkassan" ⊃ "kassa".
 */
export function matchesTerm(token: string, term: string): boolean {
  if (isInflectionOf(token, term)) return true;
  if (term.length < 4 || token.length <= term.length) return false;
  for (let i = 1; i <= token.length - term.length; i++) {
    if (token.startsWith(term, i) && isInflectionOf(token.slice(i), term)) return true;
  }
  return false;
}

export interface TermMatcherOptions {
  /** Match Swedish compound heads (default true). Off for personal names: "Anna" must not match "Hanna". */
  compounds?: boolean;
  /** Stem the terms and accept any short ending: for free-text context lists ("kanelbullar" ~ "kanelbullen"). */
  stemmed?: boolean;
  /** Accept inflected forms (default true). Off for function words: "borde" (should) ≠ "borden" (the tables). */
  inflections?: boolean;
}

/** Longer tokens are only matched exactly (Swedish compounds rarely exceed ~30 letters). */
export const MAX_WORD_LENGTH = 40;

const PLURAL_ENDINGS = /(?:arna|orna|erna|ar|or|er|na|en|et|s)$/;

/** Strips a plural/definite ending when at least four letters remain. */
export function stemTerm(term: string): string {
  const stem = term.replace(PLURAL_ENDINGS, '');
  return stem.length >= 4 ? stem : term;
}

function matchesStem(token: string, stem: string): boolean {
  const at = token.indexOf(stem);
  return at >= 0 && token.length - at - stem.length <= 4 && (at === 0 || stem.length >= 4);
}

const MEMO_LIMIT = 20_000;

/** A compiled word/phrase list; `find` returns the distinct terms present in a token stream. */
export class TermMatcher {
  private readonly singles: string[];
  private readonly exact: Set<string>;
  private readonly phrases: string[][];
  private readonly compounds: boolean;
  private readonly stemmed: boolean;
  private readonly inflections: boolean;
  /** token → matched term (null: none). Words repeat across feedback, and matching scans every term. */
  private readonly memo = new Map<string, string | null>();

  constructor(terms: Iterable<string>, options: TermMatcherOptions = {}) {
    this.inflections = options.inflections ?? true;
    this.compounds = (options.compounds ?? true) && this.inflections;
    this.stemmed = options.stemmed ?? false;
    const all = [...new Set([...terms].map((t) => t.toLowerCase()))];
    const singles = all.filter((t) => !/\s/.test(t));
    this.singles = this.stemmed ? [...new Set(singles.map(stemTerm))] : singles;
    this.exact = new Set(this.singles);
    this.phrases = all.filter((t) => /\s/.test(t)).map((t) => tokenize(t));
  }

  get size(): number {
    return this.singles.length + this.phrases.length;
  }

  find(tokens: readonly string[]): string[] {
    const found = new Set<string>();
    for (const token of tokens) {
      const term = this.matchSingle(token);
      if (term) found.add(term);
    }
    for (const phrase of this.phrases) {
      if (containsPhrase(tokens, phrase, this.inflections)) found.add(phrase.join(' '));
    }
    return [...found];
  }

  /** The distinct tokens (not terms) that matched: lets two lists share one count per word. */
  findTokens(tokens: readonly string[]): string[] {
    return [...new Set(tokens.filter((t) => this.matchSingle(t) !== undefined))];
  }

  matchSingle(token: string): string | undefined {
    if (this.exact.has(token)) return token;
    // No real word is this long; skipping keeps pathological input linear.
    if (token.length > MAX_WORD_LENGTH) return undefined;
    const known = this.memo.get(token);
    if (known !== undefined) return known ?? undefined;
    const term = this.singles.find((t) => this.matches(token, t));
    // Bounded: a flood of unique junk words must not grow memory without limit.
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(token, term ?? null);
    return term;
  }

  private matches(token: string, term: string): boolean {
    if (!this.inflections) return false;
    if (this.stemmed) return matchesStem(token, term);
    return this.compounds ? matchesTerm(token, term) : isInflectionOf(token, term);
  }
}

/** Phrase tokens must be consecutive; only the last may be inflected (when inflections are on). */
export function containsPhrase(tokens: readonly string[], phrase: readonly string[], inflections = true): boolean {
  if (phrase.length === 0) return false;
  for (let i = 0; i + phrase.length <= tokens.length; i++) {
    let ok = true;
    for (let j = 0; j < phrase.length && ok; j++) {
      const tok = tokens[i + j] ?? '';
      const want = phrase[j] ?? '';
      ok = inflections && j === phrase.length - 1 ? isInflectionOf(tok, want) : tok === want;
    }
    if (ok) return true;
  }
  return false;
}

export function clampInt(value: number, min = 0, max = 100): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** Saturating curve: each extra unit of evidence adds less (diminishing returns). */
export function saturate(amount: number, scale: number, max: number): number {
  return max * (1 - Math.exp(-Math.max(0, amount) / scale));
}

/** First sentence-like excerpt, cut at a word boundary to at most `max` characters. */
export function excerpt(text: string, max = 160): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
