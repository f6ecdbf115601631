import type { AppContext } from '../http/context.js';
import type { PeriodicTask } from '../ops/scheduler.js';
import { BATCH_SIZES, reconcilableConnections, reconcileConnection } from './reconcile.js';
import { posSyncFor } from './service.js';

export const RECONCILE_ALL_JOB = 'pos.reconcile_all';
export const RECONCILE_CONNECTION_JOB = 'pos.reconcile_connection';

/**
 * The scheduled data-consistency check fans out into one job per connection: each stays short (well
 * inside the queue lease), several instances share them, and one failing provider does not hold up
 * the rest. Jobs are spread over the period in the seed's per-provider batches (Square 10, Shopify 15,
 * Zettle 5 connections at a time, a batch every 10 s), so a provider never sees a burst.
 */
export function registerPosSyncJobs(ctx: AppContext): PeriodicTask[] {
  ctx.queue.register(RECONCILE_ALL_JOB, async () => {
    const connections = await reconcilableConnections(ctx, {});
    const start = Date.now();
    await ctx.db.writer.run(async (trx) => {
      for (const [provider, size] of Object.entries(BATCH_SIZES)) {
        const mine = connections.filter((c) => c.provider === provider);
        for (const [i, c] of mine.entries()) {
          const runAt = new Date(start + Math.floor(i / size) * 10_000);
          await ctx.queue.enqueue(trx, RECONCILE_CONNECTION_JOB, { connectionId: c.id }, { maxAttempts: 3, runAt });
        }
      }
    });
    ctx.queue.notify();
    ctx.log.info({ connections: connections.length }, 'POS reconciliation scheduled');
  });
  ctx.queue.register(RECONCILE_CONNECTION_JOB, async (payload) => {
    const report = await reconcileConnection(ctx, posSyncFor(ctx), (payload as { connectionId: string }).connectionId, 'scheduled');
    ctx.log.info({ ...report, errorDetails: report.errorDetails.slice(0, 5) }, 'POS reconciliation run');
  });
  return [{ jobType: RECONCILE_ALL_JOB, everyMs: ctx.config.posSync.reconcileIntervalMinutes * 60_000 }];
}
