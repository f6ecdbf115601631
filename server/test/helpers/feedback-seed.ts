import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../../src/core/ids.js';
import type { PlatformHandle } from './platform.js';

export interface SeedFeedback {
  businessId: string;
  locationId: string;
  scoredAt: string;
  score: number;
  sentiment?: number;
  categories?: string[];
  channel?: 'qr' | 'store_code';
  /** Store-code path only: the claim's review status. */
  claimStatus?: 'pending' | 'verified' | 'rejected';
  text?: string;
  rewardMinor?: number;
  rewardStatus?: string;
  amountMinor?: number;
  status?: string;
  updatedAt?: string;
  /** The customer's session token (default: a random, unknown one). */
  token?: string;
}

/**
 * A completed, scored feedback session written straight to the database (what the customer flow leaves
 * behind), so dashboard tests can place feedback at exact times without running the whole loop.
 */
export async function seedFeedback(p: PlatformHandle, f: SeedFeedback): Promise<string> {
  const id = newId();
  const channel = f.channel ?? 'qr';
  const created = new Date(Date.parse(f.scoredAt) - 5 * 60_000).toISOString();
  await p.ctx.db.kysely
    .insertInto('feedback_sessions')
    .values({
      id,
      business_id: f.businessId,
      location_id: f.locationId,
      channel,
      token_hash: f.token ? createHash('sha256').update(f.token).digest('base64url') : randomBytes(16).toString('hex'),
      status: f.status ?? 'completed',
      locale: 'sv',
      expires_at: new Date(Math.max(Date.parse(created), Date.now()) + 30 * 60_000).toISOString(),
      transaction_id: null,
      purchase_amount_minor: f.amountMinor ?? 25_000,
      purchased_at: created,
      verified_at: created,
      phone_hash: `phone-${id}`,
      score: f.status && f.status !== 'completed' ? null : f.score,
      score_details: JSON.stringify({ breakdown: { authenticity: 30, concreteness: 20, depth: 20 }, reasons: ['konkret'], questionAnswers: [] }),
      sentiment: f.sentiment ?? 0.5,
      categories: JSON.stringify(f.categories ?? ['service']),
      language: 'sv',
      scored_at: f.status && f.status !== 'completed' ? null : f.scoredAt,
      created_at: created,
      updated_at: f.updatedAt ?? f.scoredAt,
    })
    .execute();
  await p.ctx.db.kysely.insertInto('feedback_turns').values({ id: newId(), session_id: id, seq: 1, role: 'customer', text: f.text ?? 'Trevlig personal och god kaffe.', source: 'text', question_id: null, created_at: f.scoredAt }).execute();
  if (channel === 'store_code') {
    await p.ctx.db.kysely
      .insertInto('store_claims')
      .values({ id: newId(), session_id: id, business_id: f.businessId, location_id: f.locationId, amount_minor: f.amountMinor ?? 25_000, purchased_at: created, phone_hash: `phone-${id}`, status: f.claimStatus ?? 'pending', verified_amount_minor: null, decided_by: f.claimStatus && f.claimStatus !== 'pending' ? 'test' : null, decided_at: f.claimStatus && f.claimStatus !== 'pending' ? f.scoredAt : null, deadline_at: new Date(Date.parse(created) + 7 * 86_400_000).toISOString(), created_at: created })
      .execute();
  }
  if (f.rewardMinor !== undefined) {
    await p.ctx.db.kysely
      .insertInto('rewards')
      .values({ id: newId(), session_id: id, business_id: f.businessId, transaction_id: null, amount_minor: f.rewardMinor, bps: 500, tier: 'good', status: f.rewardStatus ?? 'approved', phone_hash: `phone-${id}`, details: '{}', decided_by: null, decided_at: null, created_at: f.scoredAt, updated_at: f.scoredAt })
      .execute();
  }
  return id;
}
