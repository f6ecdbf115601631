import { defineConfig } from 'vitest/config';

/**
 * One suite, several backends: the integration tests run once on SQLite and once on PostgreSQL
 * (BullMQ's approach — the same tests against every backend). Unit tests run once.
 */
const integration = ['test/integration/**/*.test.ts'];
const redis = ['test/redis/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...integration, ...redis, '**/node_modules/**'] } },
      { extends: true, test: { name: 'sqlite', include: integration, env: { KVITTRA_TEST_DB: 'sqlite' } } },
      { extends: true, test: { name: 'postgres', include: integration, env: { KVITTRA_TEST_DB: 'postgres' }, globalSetup: ['test/helpers/postgres-global-setup.ts'] } },
      { extends: true, test: { name: 'redis', include: redis, env: { KVITTRA_TEST_DB: 'sqlite' }, globalSetup: ['test/helpers/redis-global-setup.ts'] } },
    ],
  },
});
