import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { DELIVER_JOB } from './event-types.js';

/** BullMQ runs deliveries when REDIS_URL is set; otherwise the durable job queue in the database. */
export const usesBullMq = (ctx: AppContext): boolean => Boolean(ctx.config.redisUrl);

/**
 * Makes sure a delivery runs at `at`. With the database queue that is a job in the same transaction;
 * with BullMQ the delivery row alone is enough — the dispatcher adds due rows to BullMQ after commit
 * (jobId = delivery id), so a crash between commit and enqueue cannot lose it.
 */
export async function scheduleDelivery(ctx: AppContext, trx: Transaction<Database>, deliveryId: string, at: Date): Promise<void> {
  if (usesBullMq(ctx)) return;
  await ctx.queue.enqueue(trx, DELIVER_JOB, { deliveryId }, { runAt: at, maxAttempts: 5 });
}
