import { Redis } from 'ioredis';

export const REDIS_TEST_URL = process.env.KVITTRA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** Like the PostgreSQL project: in CI a missing Redis fails the run rather than skipping the suite. */
export default async function setup(): Promise<void> {
  const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const msg = `Redis is not reachable at ${REDIS_TEST_URL}: ${(err as Error).message}`;
    if (process.env.CI === 'true' || process.env.KVITTRA_REQUIRE_REDIS === 'true') throw new Error(msg);
    process.env.KVITTRA_REDIS_UNAVAILABLE = msg;
    console.warn(`\n⚠ ${msg}\n⚠ Redis tests are skipped on this machine (they never skip when CI=true).\n`);
  } finally {
    redis.disconnect();
  }
}
