import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchPostgres, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection } from '../helpers/fixtures.js';
import { CONSENT, ingestSale, locationQr } from '../helpers/customer.js';

const REDIS_URL = process.env.KVITTRA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/**
 * The purchase-verification budgets (feedback/verify-budget.ts) hold across instances: in Redis when
 * REDIS_URL is set, otherwise in the shared database. Instances of one deployment share ENCRYPTION_KEY,
 * so they hash a device or an address alike.
 */
describe.skipIf(!!process.env.KVITTRA_REDIS_UNAVAILABLE)('verification budgets shared by instances', () => {
  const platforms: TestPlatform[] = [];
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    await Promise.all(platforms.map((p) => p.stop()));
    for (const c of cleanup) await c();
  });

  async function shopOn(p: TestPlatform) {
    const c = await setupConnection(p, 'square');
    return { c, qr: (await locationQr(p, c)).qrToken };
  }

  async function session(p: TestPlatform, qr: string, headers: Record<string, string>) {
    const res = await p.api('POST', '/api/v1/feedback-sessions', { qrToken: qr, locale: 'sv', consent: CONSENT }, headers);
    expect(res.status, res.text).toBe(201);
    return (body: Record<string, unknown>) => p.api('POST', `/api/v1/feedback-sessions/${res.body.sessionId}/verify`, body, { ...headers, authorization: `Bearer ${res.body.sessionToken}` });
  }

  it('with Redis: six misses by a device on one instance make the other instance refuse that device', async () => {
    const prefix = `test-${randomUUID()}:`;
    const redis = new Redis(REDIS_URL);
    cleanup.push(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, ENCRYPTION_KEY: randomBytes(32).toString('hex'), TRUST_PROXY: 'true' };
    const a = await startTestPlatform(env);
    platforms.push(a);
    const b = await startTestPlatform(env);
    platforms.push(b);
    const [shopA, shopB] = [await shopOn(a), await shopOn(b)];
    const sale = await ingestSale(b, shopB.c, 21_900, 3, null);

    const device = `shared-device-${randomUUID()}`;
    const onA = await session(a, shopA.qr, { 'x-device-id': device, 'x-forwarded-for': '198.51.100.1' });
    for (const amount of ['11', '12', '13', '14', '15', '16']) expect((await onA({ amount, purchasedAt: new Date().toISOString() })).status).toBe(422);
    expect(await redis.keys(`${prefix}vb:d:*`)).toHaveLength(1);

    // Another instance, another shop, another address: the device is still out of budget.
    const onB = await session(b, shopB.qr, { 'x-device-id': device, 'x-forwarded-for': '198.51.100.2' });
    const refused = await onB({ amount: '219', purchasedAt: sale.occurredAt });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_attempts');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800);
    // Someone else at that address is not affected.
    const other = await session(b, shopB.qr, { 'x-device-id': `other-${randomUUID()}`, 'x-forwarded-for': '198.51.100.2' });
    expect((await other({ amount: '219', purchasedAt: sale.occurredAt })).status).toBe(200);
  });

  it('without Redis: two instances on one PostgreSQL database share the budgets through it', async () => {
    const pg = await createScratchPostgres('kvittra_vb');
    cleanup.push(() => pg.drop());
    const env = { DATABASE_URL: pg.url, ENCRYPTION_KEY: randomBytes(32).toString('hex'), TRUST_PROXY: 'true' };
    const a = await startTestPlatform(env);
    platforms.push(a);
    const b = await startTestPlatform(env);
    platforms.push(b);
    const shop = await shopOn(a);
    const sale = await ingestSale(a, shop.c, 23_400, 3, null);

    const address = { 'x-forwarded-for': '203.0.113.77' };
    const onA = await session(a, shop.qr, { ...address, 'x-device-id': `first-${randomUUID()}` });
    for (const amount of ['21', '22', '23', '24', '25', '26']) expect((await onA({ amount, purchasedAt: sale.occurredAt })).status).toBe(422);
    const onB = await session(b, shop.qr, { ...address, 'x-device-id': `second-${randomUUID()}` });
    const refused = await onB({ amount: '234', purchasedAt: sale.occurredAt });
    expect(refused.status).toBe(429);
    expect(refused.body.error.details).toMatchObject({ scope: 'client' });
    const rows = await a.ctx.db.kysely.selectFrom('verify_budget_entries').select('kind').where('key', 'like', 'al:%').execute();
    expect(rows.map((r) => r.kind)).toEqual(Array(6).fill('miss'));
  });
});
