import {
  DESCRIPTOR_MATCHER,
  PLACE_MATCHER,
  ROLE_MATCHER,
  STORE_MATCHER,
  TIME_WORD_MATCHER,
  otherProductMatchers,
  productMatcher,
  type ContextMatchers,
} from './matchers.js';
import { EN_NUMBER_WORDS } from './lexicon-en.js';
import { SV_NUMBER_WORDS } from './lexicon-sv.js';
import type { BusinessType } from './types.js';

/** Concrete, checkable details: the heart of "concreteness". */
export interface Details {
  products: string[];
  otherProducts: string[];
  staffNames: string[];
  roles: string[];
  times: string[];
  places: string[];
  prices: string[];
  numbers: string[];
  descriptors: string[];
  /** Weighted amount of detail, see detailWeight(). */
  weight: number;
}

const NUMBER_WORD = [...SV_NUMBER_WORDS, ...EN_NUMBER_WORDS].join('|');
const DURATION_UNIT = '(?:min|mins|minut|minuter|minuters|minute|minutes|timme|timmar|timmes|hour|hours|sekunder|seconds|dagar|days|veckor|weeks|kvart)';
/** Unicode-aware word boundaries: JavaScript's \b treats å/ä/ö as non-word characters. */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const re = (body: string) => new RegExp(`${B}${body}${E}`, 'gu');

/** Clock times, durations and "at noon"-style anchors. */
const TIME_PATTERNS: RegExp[] = [
  re('kl\\.?\\s?\\d{1,2}(?:[:.]\\d{2})?'),
  re('\\d{1,2}[:.]\\d{2}'),
  re('\\d{1,2}\\s?(?:am|pm)'),
  re('(?:at|around|about|by|before|after|runt|kring|vid|strax efter|strax före|innan)\\s+(?:noon|midnight|halv \\p{L}+|\\d{1,2})'),
  re(`\\d+\\s?${DURATION_UNIT}`),
  re(`(?:${NUMBER_WORD})\\s+${DURATION_UNIT}`),
  re('(?:i morse|i går|i dag|this morning|last night|i kväll|half an hour|en halvtimme|halvtimme)'),
];

const PRICE_PATTERNS: RegExp[] = [
  re('\\d[\\d\\s.,]{0,12}\\s?(?:kr|kronor|sek|öre|euro|eur)'),
  /(?<![\p{L}\p{N}])\d+:-/gu,
  /[€$£]\s?\d+/gu,
  re('(?:halva priset|half price)'),
  /(?<![\p{L}\p{N}])\d+\s?%/gu,
];

function regexMatches(text: string, patterns: RegExp[]): string[] {
  const found = new Set<string>();
  for (const p of patterns) for (const m of text.matchAll(p)) found.add(m[0].trim());
  return [...found];
}

/** Bare numbers not already part of a time or price ("storlek 42", "tre askar" → 3). */
function bareNumbers(text: string, used: string[]): string[] {
  const inUse = used.join(' ');
  return [...new Set(text.match(/(?<![\p{L}\p{N}])\d+(?:[/,.]\d+)?(?![\p{L}\p{N}])/gu) ?? [])].filter((n) => !inUse.includes(n));
}

export function extractDetails(lowerText: string, tokens: readonly string[], type: BusinessType, ctx: ContextMatchers): Details {
  const times = [...regexMatches(lowerText, TIME_PATTERNS), ...TIME_WORD_MATCHER.find(tokens)];
  const prices = regexMatches(lowerText, PRICE_PATTERNS);
  // Counted per customer word, so "kläder" found by both lists is one product, not two.
  const products = [...new Set([...productMatcher(type).findTokens(tokens), ...ctx.sells.findTokens(tokens)])];
  const otherProducts = otherProductMatchers(type)
    .flatMap((m) => m.findTokens(tokens))
    .filter((p) => !products.includes(p));
  const details: Omit<Details, 'weight'> = {
    products,
    otherProducts: [...new Set(otherProducts)],
    staffNames: ctx.staffNames.find(tokens),
    roles: ROLE_MATCHER.find(tokens),
    times: [...new Set(times)],
    places: PLACE_MATCHER.find(tokens),
    prices,
    numbers: bareNumbers(lowerText, [...times, ...prices]),
    descriptors: DESCRIPTOR_MATCHER.find(tokens),
  };
  return { ...details, weight: detailWeight(details) };
}

/** Each kind of detail is capped so one long shopping list cannot buy a high score. */
export function detailWeight(d: Omit<Details, 'weight'>): number {
  const cap = (list: string[], max: number) => Math.min(list.length, max);
  return (
    1.0 * cap(d.products, 4) +
    0.6 * cap(d.otherProducts, 2) +
    1.5 * cap(d.staffNames, 2) +
    0.75 * cap(d.roles, 2) +
    1.0 * cap(d.times, 3) +
    1.0 * cap(d.places, 3) +
    1.25 * cap(d.prices, 2) +
    0.5 * cap(d.numbers, 2) +
    0.5 * cap(d.descriptors, 3)
  );
}

/**
 * How strongly the text is about a visit to this kind of business. Generic store words and
 * category keywords count half: "the price of phones" alone is not about a café.
 */
export function relevanceOf(details: Details, tokens: readonly string[], ctx: ContextMatchers, categoryKeywordHits: number): number {
  return (
    details.products.length +
    details.staffNames.length +
    details.roles.length +
    details.places.length +
    ctx.businessName.find(tokens).length +
    STORE_MATCHER.find(tokens).length +
    0.5 * details.otherProducts.length +
    0.5 * details.prices.length +
    0.5 * categoryKeywordHits
  );
}
