import { CATEGORY_MATCHERS, productMatcher, type ContextMatchers } from './matchers.js';
import { FEEDBACK_CATEGORIES, type BusinessType, type FeedbackCategory } from './types.js';

export type CategoryHits = Partial<Record<FeedbackCategory, number>>;

/**
 * Keyword hits per category for one token stream. The business's own staff names count as
 * staff, and what it sells (or typically sells) counts as product, so context steers categorisation.
 */
export function categoryHits(tokens: readonly string[], context?: ContextMatchers, type?: BusinessType): CategoryHits {
  const hits: CategoryHits = {};
  for (const [category, matcher] of CATEGORY_MATCHERS) {
    const n = matcher.find(tokens).length;
    if (n > 0) hits[category] = n;
  }
  if (context) {
    addHits(hits, 'staff', context.staffNames.find(tokens).length);
    addHits(hits, 'product', context.sells.find(tokens).length);
  }
  if (type) addHits(hits, 'product', productMatcher(type).find(tokens).length);
  return hits;
}

function addHits(hits: CategoryHits, category: FeedbackCategory, n: number): void {
  if (n > 0) hits[category] = (hits[category] ?? 0) + n;
}

/** Categories ordered by hits (ties in catalogue order); 'other' when meaningful text matches none. */
export function rankCategories(hits: CategoryHits, hasMeaningfulText: boolean): FeedbackCategory[] {
  const ranked = FEEDBACK_CATEGORIES.filter((c) => (hits[c] ?? 0) > 0).sort(
    (a, b) => (hits[b] ?? 0) - (hits[a] ?? 0) || FEEDBACK_CATEGORIES.indexOf(a) - FEEDBACK_CATEGORIES.indexOf(b),
  );
  if (ranked.length > 0) return ranked;
  return hasMeaningfulText ? ['other'] : [];
}
