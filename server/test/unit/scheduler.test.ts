import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../helpers/platform.js';
import { Scheduler } from '../../src/ops/scheduler.js';
import type { AppContext } from '../../src/http/context.js';
import { createLogger } from '../../src/core/logger.js';

describe('periodic scheduler', () => {
  it('enqueues one job per task and period, however often it ticks; end-of-period tasks run when the period is over', async () => {
    const t = await openTestDatabase();
    try {
      let notified = 0;
      const ctx = { db: t.db, log: createLogger('silent'), queue: { notify: () => void notified++ } } as unknown as AppContext;
      const week = 7 * 86_400_000;
      const s = new Scheduler(ctx, [{ jobType: 'x.hourly', everyMs: 3_600_000 }, { jobType: 'x.weekly', everyMs: week, runAt: 'end' }]);
      const now = Date.UTC(2026, 10, 23, 12, 30);
      await Promise.all([s.tick(now), s.tick(now + 60_000), s.tick(now + 120_000)]);
      await s.tick(now + 3_600_000);
      const jobs = await t.db.kysely.selectFrom('jobs').select(['id', 'type', 'run_at']).orderBy('id').execute();
      expect(jobs.map((j) => j.type).sort()).toEqual(['x.hourly', 'x.hourly', 'x.weekly']);
      const weekly = jobs.find((j) => j.type === 'x.weekly')!;
      expect(weekly.run_at).toBe(new Date((Math.floor(now / week) + 1) * week).toISOString());
      expect(notified).toBe(4);
    } finally {
      await t.close();
    }
  });
});
