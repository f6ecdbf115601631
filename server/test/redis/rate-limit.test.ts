import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const REDIS_URL = process.env.KVITTRA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/**
 * Two instances sharing one Redis share their rate-limit counters: what one instance let through
 * counts against the other. Without REDIS_URL each instance counts alone (in-memory).
 */
describe.skipIf(!!process.env.KVITTRA_REDIS_UNAVAILABLE)('rate limits shared through Redis', () => {
  let a: TestPlatform;
  let b: TestPlatform;
  let memA: TestPlatform;
  let memB: TestPlatform;
  beforeAll(async () => {
    // A unique Redis key namespace per run keeps parallel runs apart.
    const ns = { REDIS_URL, RATE_LIMIT_ADMIN_PER_MINUTE: '6', REDIS_KEY_PREFIX: `test-${randomUUID()}:` };
    [a, b] = await Promise.all([startTestPlatform(ns), startTestPlatform(ns)]);
    [memA, memB] = await Promise.all([startTestPlatform({ RATE_LIMIT_ADMIN_PER_MINUTE: '6' }), startTestPlatform({ RATE_LIMIT_ADMIN_PER_MINUTE: '6' })]);
  });
  afterAll(async () => Promise.all([a?.stop(), b?.stop(), memA?.stop(), memB?.stop()]));

  it('the second instance refuses once the first used up the shared budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await a.admin('GET', '/admin/businesses')).status);
    for (let i = 0; i < 4; i++) statuses.push((await b.admin('GET', '/admin/businesses')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    const limited = await b.admin('GET', '/admin/businesses');
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('without Redis each instance counts on its own', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await memA.admin('GET', '/admin/businesses')).status);
    for (let i = 0; i < 4; i++) statuses.push((await memB.admin('GET', '/admin/businesses')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
  });
});
