import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { DayRange } from './time-range.js';

const baseQuery = (db: Db) => db.kysely.selectFrom('feedback_sessions as fs');
export type FeedbackQb = ReturnType<typeof baseQuery>;

export interface FeedbackFilters {
  locationId?: string;
  minScore?: number;
  maxScore?: number;
  category?: string;
  sentiment?: 'positive' | 'neutral' | 'negative';
  q?: string;
}

/** ±0.2 is where the scorer's own sentiment label changes (scoring/sentiment.ts). */
export const SENTIMENT_THRESHOLD = 0.2;

/**
 * Feedback of one business that the business may see (item 17): scored feedback verified by the POS at once;
 * store-code feedback only once the shop's review of its claim is decided. Range on `scored_at` so the
 * (business_id, scored_at, …) indexes serve every dashboard read; the claim is checked with an EXISTS that
 * only runs for store-code rows (a join would probe store_claims for every row: 3× slower on aggregates).
 */
export function releasedFeedback(db: Db, businessId: string, range: DayRange, f: FeedbackFilters = {}): FeedbackQb {
  let q = baseQuery(db)
    .where('fs.business_id', '=', businessId)
    .where('fs.scored_at', '>=', range.startUtc)
    .where('fs.scored_at', '<', range.endUtc)
    .where((eb) =>
      eb.or([
        eb('fs.channel', '!=', 'store_code'),
        eb.exists(eb.selectFrom('store_claims as sc').select('sc.id').whereRef('sc.session_id', '=', 'fs.id').where('sc.status', 'in', ['verified', 'rejected'])),
      ]),
    );
  if (f.locationId) q = q.where('fs.location_id', '=', f.locationId);
  if (f.minScore !== undefined) q = q.where('fs.score', '>=', f.minScore);
  if (f.maxScore !== undefined) q = q.where('fs.score', '<=', f.maxScore);
  // Categories are stored as a JSON array of plain words; the quotes make "staff" not match "staffing".
  if (f.category) q = q.where('fs.categories', 'like', `%${JSON.stringify(f.category).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.sentiment === 'positive') q = q.where('fs.sentiment', '>=', SENTIMENT_THRESHOLD);
  if (f.sentiment === 'negative') q = q.where('fs.sentiment', '<=', -SENTIMENT_THRESHOLD);
  if (f.sentiment === 'neutral') q = q.where('fs.sentiment', '>', -SENTIMENT_THRESHOLD).where('fs.sentiment', '<', SENTIMENT_THRESHOLD);
  if (f.q) {
    const pattern = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('feedback_turns as t').select('t.id').whereRef('t.session_id', '=', 'fs.id').where('t.role', '=', 'customer').where(sql<boolean>`lower(t.text) like ${pattern} escape '\\'`)),
    );
  }
  return q;
}

export function verificationOf(channel: string, claimStatus: string | null): 'pos' | 'store_verified' | 'store_rejected' {
  if (channel !== 'store_code') return 'pos';
  return claimStatus === 'verified' ? 'store_verified' : 'store_rejected';
}

export function sentimentLabel(value: number | null): 'positive' | 'neutral' | 'negative' | null {
  if (value === null) return null;
  return value >= SENTIMENT_THRESHOLD ? 'positive' : value <= -SENTIMENT_THRESHOLD ? 'negative' : 'neutral';
}
