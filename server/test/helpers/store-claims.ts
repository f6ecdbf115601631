import { expect } from 'vitest';
import type { PlatformHandle } from './platform.js';
import { createBusiness } from './fixtures.js';
import { RICH_FEEDBACK_SV, startSession } from './customer.js';

/** A live business with one location, for customers who type its store code; `settings` patches the business settings. */
export async function storeCodeBusiness(p: PlatformHandle, business: Record<string, unknown>, settings?: Record<string, unknown>): Promise<{ businessId: string; storeCode: string }> {
  const { id } = await createBusiness(p, business);
  const location = await p.admin('POST', `/admin/businesses/${id}/locations`, { name: 'Butik Centrum', address: 'Drottninggatan 1, Stockholm' });
  expect(location.status, location.text).toBe(201);
  if (settings) {
    const res = await p.admin('PATCH', `/admin/businesses/${id}/settings`, settings);
    expect(res.status, res.text).toBe(200);
  }
  return { businessId: id, storeCode: location.body.storeCode as string };
}

let phoneSeq = 0;

/** A customer's store-code claim of `amount` (e.g. "149,00") with finished feedback: pending the shop's review. Returns the claim id. */
export async function pendingStoreClaim(p: PlatformHandle, storeCode: string, amount: string): Promise<string> {
  const s = await startSession(p, { storeCode });
  const phone = `0732${String(100_000 + (phoneSeq++ % 100_000)).slice(1)}0`;
  const claim = await s.call('POST', '/claim', { amount, purchasedAt: new Date(Date.now() - 60 * 60_000).toISOString(), phone });
  expect(claim.status, claim.text).toBe(200);
  const feedback = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
  expect(feedback.status, feedback.text).toBe(200);
  const row = await p.ctx.db.kysely.selectFrom('store_claims').select(['id', 'status']).where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
  expect(row.status).toBe('pending');
  return row.id;
}
