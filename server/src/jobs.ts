import type { AppContext } from './http/context.js';
import { APPLY_EVENT_JOB } from './pos/ingest-service.js';
import { applyEventInTrx } from './pos/apply-event.js';
import { REFUND_CLAWBACK_JOB, reverseRewardForTransaction } from './rewards/reward-service.js';
import { sweepStoreClaims } from './feedback/store-review-service.js';
import { expireSessions, runRetention } from './gdpr/retention.js';
import type { PeriodicTask } from './ops/scheduler.js';
import { registerPosSyncJobs } from './pos-sync/jobs.js';
import { createPayoutBatch } from './rewards/payout-service.js';
import { AppError } from './core/errors.js';

/** Every background job type and the periodic tasks, in one place. */
export function registerJobs(ctx: AppContext): PeriodicTask[] {
  // Batched: up to 50 due webhook events per claim, applied in one transaction (each in its own savepoint).
  ctx.queue.registerBatched(APPLY_EVENT_JOB, (trx, payload) => applyEventInTrx(ctx, trx, payload), { maxBatch: 50 });
  ctx.queue.register(REFUND_CLAWBACK_JOB, async (payload) => reverseRewardForTransaction(ctx, (payload as { transactionId: string }).transactionId));
  ctx.queue.register('sessions.expire', async () => void (await expireSessions(ctx)));
  ctx.queue.register('store_claims.sweep', async () => void (await sweepStoreClaims(ctx)));
  ctx.queue.register('retention.run', async () => {
    const result = await runRetention(ctx);
    ctx.log.info(result, 'retention run');
  });
  // Weekly payout batch (the operator then exports the Swish file and confirms it); an empty week is normal.
  ctx.queue.register('payouts.weekly_batch', async () => {
    try {
      const batch = await createPayoutBatch(ctx, { actor: 'system:weekly', ip: null });
      ctx.log.info({ batchId: batch.id, payouts: batch.payoutCount, totalMinor: batch.totalMinor }, 'weekly payout batch created');
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'conflict')) throw err;
    }
  });
  return [
    { jobType: 'sessions.expire', everyMs: 5 * 60_000 },
    ...registerPosSyncJobs(ctx),
    { jobType: 'store_claims.sweep', everyMs: 60 * 60_000 },
    { jobType: 'retention.run', everyMs: 24 * 60 * 60_000 },
    { jobType: 'payouts.weekly_batch', everyMs: 7 * 24 * 60 * 60_000, runAt: 'end' },
  ];
}
