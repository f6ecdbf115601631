import { LRUCache } from 'lru-cache';
import { CATEGORY_KEYWORDS } from './lexicon-categories.js';
import { DESCRIPTORS, PLACES, PRODUCTS_BY_TYPE, STAFF_ROLES, STORE_TERMS, TIME_WORDS } from './lexicon-domain.js';
import { EN_STOPWORDS } from './lexicon-en.js';
import { SV_STOPWORDS } from './lexicon-sv.js';
import { TermMatcher, tokenize } from './text.js';
import type { BusinessType, FeedbackCategory, ScoringContext } from './types.js';

/** Compiled once: the static lexicons. */
export const PLACE_MATCHER = new TermMatcher(PLACES);
export const ROLE_MATCHER = new TermMatcher(STAFF_ROLES);
export const DESCRIPTOR_MATCHER = new TermMatcher(DESCRIPTORS);
export const STORE_MATCHER = new TermMatcher(STORE_TERMS);
export const TIME_WORD_MATCHER = new TermMatcher(TIME_WORDS);

const BUSINESS_TYPES: BusinessType[] = ['grocery', 'cafe', 'restaurant', 'retail'];
const PRODUCT_MATCHERS = new Map(BUSINESS_TYPES.map((t) => [t, new TermMatcher(PRODUCTS_BY_TYPE[t])]));

export const CATEGORY_MATCHERS = Object.entries(CATEGORY_KEYWORDS).map(
  ([category, terms]) => [category as Exclude<FeedbackCategory, 'other'>, new TermMatcher(terms)] as const,
);

export function isStopword(token: string): boolean {
  return SV_STOPWORDS.has(token) || EN_STOPWORDS.has(token);
}

export function productMatcher(type: BusinessType): TermMatcher {
  return PRODUCT_MATCHERS.get(type) as TermMatcher;
}

export function otherProductMatchers(type: BusinessType): TermMatcher[] {
  return BUSINESS_TYPES.filter((t) => t !== type).map((t) => productMatcher(t));
}

/** Content words of a free-text context field ("kaffe, kanelbullar och te" → kaffe, kanelbullar). */
export function contextTerms(text: string | undefined): string[] {
  if (!text) return [];
  return tokenize(text).filter((t) => t.length >= 3 && !isStopword(t) && !/^\d+$/.test(t));
}

/** Per-context matchers: what this business sells, its staff and its own name. */
export interface ContextMatchers {
  sells: TermMatcher;
  staffNames: TermMatcher;
  businessName: TermMatcher;
}

// A business's context changes rarely while its customers' feedback streams in: compile once per context.
const contextCache = new LRUCache<string, ContextMatchers>({ max: 500 });

export function buildContextMatchers(context: ScoringContext): ContextMatchers {
  const key = JSON.stringify([context.sells ?? '', context.staffNames ?? [], context.businessName ?? '']);
  const cached = contextCache.get(key);
  if (cached) return cached;
  const built = compileContextMatchers(context);
  contextCache.set(key, built);
  return built;
}

function compileContextMatchers(context: ScoringContext): ContextMatchers {
  const names = (context.staffNames ?? []).flatMap((n) => tokenize(n)).filter((n) => n.length >= 2);
  return {
    sells: new TermMatcher(contextTerms(context.sells), { stemmed: true }),
    staffNames: new TermMatcher(names, { compounds: false }),
    businessName: new TermMatcher(contextTerms(context.businessName), { compounds: false }),
  };
}
