import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * One suite, several backends: the integration tests run once on SQLite and once on PostgreSQL
 * (BullMQ's approach — the same tests against every backend). Unit tests run once.
 */
const integration = ['test/integration/**/*.test.ts'];
const redis = ['test/redis/**/*.test.ts'];
/** Browser journeys (playwright-core + Debian Chromium) against a real server serving the built web app. */
const e2e = ['test/e2e/**/*.test.ts'];
// System tests spawn the built server as processes (SIGKILL, two instances, signals); zero-loss needs PostgreSQL and Redis.
const system = ['test/system/zero-loss/**/*.test.ts', 'test/system/process-lifecycle.test.ts'];
/** What ships, over real sockets: every lazily loaded or external dependency through server/dist/kvittra.mjs. */
const shipped = ['test/shipped/**/*.test.ts'];
/** Built once per run before these projects start (skipped when dist matches the sources). */
const built = 'test/helpers/built-server-setup.ts';

export default defineConfig({
  test: {
    // Vitest's default is one worker per core minus one: a single worker on a 2-core CI machine. Most
    // integration tests wait on fsync, sockets and timers, so three workers finish far sooner there.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...integration, ...redis, ...system, ...e2e, ...shipped, '**/node_modules/**'] } },
      { extends: true, test: { name: 'sqlite', include: integration, env: { KVITTRA_TEST_DB: 'sqlite' } } },
      { extends: true, test: { name: 'postgres', include: integration, env: { KVITTRA_TEST_DB: 'postgres' }, globalSetup: ['test/helpers/postgres-global-setup.ts'] } },
      { extends: true, test: { name: 'redis', include: redis, env: { KVITTRA_TEST_DB: 'sqlite' }, globalSetup: ['test/helpers/redis-global-setup.ts'] } },
      { extends: true, test: { name: 'system', include: system, testTimeout: 300_000, globalSetup: [built, 'test/helpers/postgres-global-setup.ts', 'test/helpers/redis-global-setup.ts'] } },
      { extends: true, test: { name: 'e2e', include: e2e, fileParallelism: false, testTimeout: 180_000, hookTimeout: 300_000, env: { KVITTRA_TEST_DB: 'sqlite' }, globalSetup: [built, 'test/e2e/global-setup.ts'] } },
      { extends: true, test: { name: 'shipped', include: shipped, testTimeout: 120_000, hookTimeout: 120_000, globalSetup: [built, 'test/helpers/postgres-global-setup.ts', 'test/helpers/redis-global-setup.ts'] } },
    ],
  },
});
