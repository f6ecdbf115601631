import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { shopifyOrder, squarePayment, zettlePurchase, type SignedWebhook } from '../helpers/pos-payloads.js';
import { expectError, ISO_UTC, newBusiness, UUID } from '../helpers/admin-helpers.js';

interface Tx {
  id: string;
  provider: string;
  externalId: string;
  amountMinor: number;
  currency: string;
  occurredAt: string;
  locationId: string;
  status: string;
}

const minutesAgo = (m: number) => new Date(Date.UTC(2026, 0, 15, 12, 0, 0) - m * 60_000).toISOString();

describe.skipIf(backendUnavailable)('admin transactions listing', () => {
  let p: TestPlatform;
  let sq: ConnectionSetup;
  let sqB: ConnectionSetup;
  /** paymentId → expected row, for the 5 Square sales of business A. */
  const expectedA = new Map<string, { amountMinor: number; occurredAt: string }>();

  const send = async (wh: SignedWebhook) => {
    const res = await p.api('POST', wh.path, wh.body, wh.headers);
    expect(res.status, res.text).toBe(200);
  };
  const list = async (businessId: string, query = '') => {
    const res = await p.admin('GET', `/admin/businesses/${businessId}/transactions${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body as { items: Tx[]; nextCursor: string | null };
  };
  const pageAll = async (businessId: string, limit: number, extra = '') => {
    const items: Tx[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(businessId, `?limit=${limit}${extra}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      sizes.push(page.items.length);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && sizes.length < 50);
    return { items, sizes };
  };

  beforeAll(async () => {
    p = await startTestPlatform();
    sq = await setupConnection(p, 'square', (await newBusiness(p)).id);
    sqB = await setupConnection(p, 'square', (await newBusiness(p)).id);
    // Five sales, delivered oldest first, five minutes apart.
    for (let i = 0; i < 5; i++) {
      const paymentId = `PAY${i}${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const amount = 1000 * (i + 1) + 99;
      const createdAt = minutesAgo(50 - 5 * i);
      expectedA.set(paymentId, { amountMinor: amount, occurredAt: createdAt });
      await send(squarePayment(sq, { paymentId, amount, createdAt }));
    }
    for (let i = 0; i < 3; i++) await send(squarePayment(sqB, { amount: 777 + i, createdAt: minutesAgo(10 + i) }));
    expect(await p.ctx.queue.drain()).toBe(true);
  });
  afterAll(async () => p?.stop());

  it('items carry the documented fields with integer öre and ISO 8601 UTC times', async () => {
    const { items, nextCursor } = await list(sq.businessId);
    expect(nextCursor).toBeNull();
    expect(items).toHaveLength(5);
    for (const tx of items) {
      const want = expectedA.get(tx.externalId);
      expect(want, tx.externalId).toBeDefined();
      expect(tx).toMatchObject({ id: expect.stringMatching(UUID), provider: 'square', externalId: tx.externalId, amountMinor: want!.amountMinor, currency: 'SEK', occurredAt: want!.occurredAt, locationId: sq.locationId, status: 'completed' });
      expect(Number.isInteger(tx.amountMinor)).toBe(true);
      expect(typeof tx.amountMinor).toBe('number');
      expect(tx.occurredAt).toMatch(ISO_UTC);
    }
  });

  it('limit=2 pages: 2+2+1, no duplicates, no gaps, newest first, nextCursor null at the end', async () => {
    const { items, sizes } = await pageAll(sq.businessId, 2);
    expect(sizes).toEqual([2, 2, 1]);
    expect(new Set(items.map((t) => t.id)).size).toBe(5);
    expect(new Set(items.map((t) => t.externalId))).toEqual(new Set(expectedA.keys()));
    const byTime = [...expectedA.entries()].sort((a, b) => b[1].occurredAt.localeCompare(a[1].occurredAt)).map(([id]) => id);
    expect(items.map((t) => t.externalId)).toEqual(byTime);
    expect(items.map((t) => t.amountMinor)).toEqual([5099, 4099, 3099, 2099, 1099]);
    // Every page size gives the same sequence.
    for (const limit of [1, 3, 5, 200]) expect((await pageAll(sq.businessId, limit)).items.map((t) => t.id)).toEqual(items.map((t) => t.id));
  });

  it('newest first means by sale time, also when webhooks arrive out of order', async () => {
    const c = await setupConnection(p, 'square', (await newBusiness(p)).id);
    const offsets = [30, 10, 50, 20, 40]; // minutes before the reference time, in delivery order
    for (const m of offsets) await send(squarePayment(c, { amount: 100 + m, createdAt: minutesAgo(m) }));
    expect(await p.ctx.queue.drain()).toBe(true);
    const { items, sizes } = await pageAll(c.businessId, 2);
    expect(sizes).toEqual([2, 2, 1]);
    expect(items.map((t) => t.amountMinor)).toEqual([110, 120, 130, 140, 150]);
    expect(items.map((t) => t.occurredAt)).toEqual([10, 20, 30, 40, 50].map(minutesAgo));
  });

  it('sales in the same millisecond still page without duplicates or gaps', async () => {
    const c = await setupConnection(p, 'square', (await newBusiness(p)).id);
    const at = minutesAgo(5);
    for (let i = 0; i < 5; i++) await send(squarePayment(c, { amount: 500 + i, createdAt: at }));
    expect(await p.ctx.queue.drain()).toBe(true);
    const { items, sizes } = await pageAll(c.businessId, 2);
    expect(sizes).toEqual([2, 2, 1]);
    expect(items.map((t) => t.amountMinor).sort()).toEqual([500, 501, 502, 503, 504]);
  });

  it('amounts from every provider are integer öre (Shopify decimal strings, Zettle minor units)', async () => {
    const biz = (await newBusiness(p)).id;
    const shop = await setupConnection(p, 'shopify', biz);
    const zet = await setupConnection(p, 'zettle', biz);
    await send(shopifyOrder(shop, { total: '199.65' }));
    await send(shopifyOrder(shop, { total: '0.10' }));
    await send(zettlePurchase(zet, { amount: 35300 }));
    expect(await p.ctx.queue.drain()).toBe(true);
    const { items } = await list(biz);
    const got = items.map((t) => [t.provider, t.amountMinor, t.currency]).sort();
    expect(got).toEqual([
      ['shopify', 10, 'SEK'],
      ['shopify', 19965, 'SEK'],
      ['zettle', 35300, 'SEK'],
    ]);
    for (const t of items) expect(t.occurredAt).toMatch(ISO_UTC);
    expect(items.find((t) => t.provider === 'zettle')!.locationId).toBe(zet.locationId);
  });

  it('tenant isolation: business B’s transactions never appear under business A (nor vice versa)', async () => {
    const a = await pageAll(sq.businessId, 2);
    const b = await pageAll(sqB.businessId, 2);
    expect(a.items.every((t) => t.locationId === sq.locationId)).toBe(true);
    expect(b.items.map((t) => t.amountMinor).sort()).toEqual([777, 778, 779]);
    expect(b.items.every((t) => t.locationId === sqB.locationId)).toBe(true);
    const aIds = new Set(a.items.map((t) => t.id));
    expect(b.items.some((t) => aIds.has(t.id))).toBe(false);
    // Filtering A by B's location, or using a cursor taken from B's listing, reveals nothing of B.
    expect((await list(sq.businessId, `?locationId=${sqB.locationId}`)).items).toEqual([]);
    const bPage = await list(sqB.businessId, '?limit=1');
    expect(bPage.nextCursor).not.toBeNull();
    const viaForeignCursor = await list(sq.businessId, `?cursor=${encodeURIComponent(bPage.nextCursor!)}`);
    expect(viaForeignCursor.items.every((t) => aIds.has(t.id))).toBe(true);
  });

  it('garbage cursor → 400 invalid_cursor; limit 0 / 1000 / non-numeric → 400; unknown business 404', async () => {
    for (const cursor of ['garbage', '!!!', Buffer.from('not-an-id').toString('base64url'), Buffer.from("' OR 1=1 --").toString('base64url')]) {
      expectError(await p.admin('GET', `/admin/businesses/${sq.businessId}/transactions?cursor=${encodeURIComponent(cursor)}`), 400, 'invalid_cursor');
    }
    for (const limit of ['0', '1000', '-2', 'ten', '2.5', '201']) {
      expectError(await p.admin('GET', `/admin/businesses/${sq.businessId}/transactions?limit=${limit}`), 400, 'validation_failed');
    }
    expect((await list(sq.businessId, '?limit=200')).items).toHaveLength(5);
    expectError(await p.admin('GET', `/admin/businesses/${sq.businessId}/transactions?status=pending`), 400, 'validation_failed');
    expectError(await p.admin('GET', `/admin/businesses/${crypto.randomUUID()}/transactions`), 404, 'not_found');
    expectError(await p.admin('GET', '/admin/businesses/xyz/transactions'), 400, 'validation_failed');
  });
});
