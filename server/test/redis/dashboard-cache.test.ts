import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createLocation } from '../helpers/fixtures.js';
import { newBusiness } from '../helpers/admin-helpers.js';
import { seedFeedback } from '../helpers/feedback-seed.js';

const REDIS_URL = process.env.KVITTRA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** With REDIS_URL the dashboard aggregates are cached in Redis (shared by instances), with a short TTL. */
describe.skipIf(!!process.env.KVITTRA_REDIS_UNAVAILABLE)('dashboard cache in Redis', () => {
  const prefix = `test-${randomUUID()}:`;
  let p: TestPlatform;
  let redis: Redis;
  beforeAll(async () => {
    p = await startTestPlatform({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await p?.stop();
  });

  it('stores insights in Redis with a TTL, serves the second request from it and misses after new feedback', async () => {
    const biz = (await newBusiness(p)).id;
    const loc = (await createLocation(p, biz)).id;
    await seedFeedback(p, { businessId: biz, locationId: loc, scoredAt: '2026-05-05T08:00:00.000Z', score: 81 });
    const url = `/admin/businesses/${biz}/dashboard/insights?from=2026-05-01&to=2026-05-31`;
    const first = await p.admin('GET', url);
    expect(first.status, first.text).toBe(200);
    const keys = await redis.keys(`${prefix}dash:insights:${biz}:*`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect((await p.admin('GET', url)).body).toEqual(first.body);
    const metrics = (await p.admin('GET', '/metrics')).text;
    expect(metrics).toMatch(/dashboard_cache_requests_total\{result="hit"\} 1\b/);
    await seedFeedback(p, { businessId: biz, locationId: loc, scoredAt: '2026-05-06T08:00:00.000Z', score: 40 });
    const third = await p.admin('GET', url);
    expect(third.body.heatmap.reduce((s: number, h: { count: number }) => s + h.count, 0)).toBe(2);
    expect(await redis.keys(`${prefix}dash:insights:${biz}:*`)).toHaveLength(2);
  });
});
