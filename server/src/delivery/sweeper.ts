import { sql } from 'kysely';
import type { AppContext } from '../http/context.js';
import { nowIso } from '../core/ids.js';
import { DELIVER_JOB } from './event-types.js';
import { scheduleDelivery, usesBullMq } from './scheduling.js';

const ORPHAN_GRACE_MS = 30_000;
const BATCH = 500;

/**
 * Repairs what a crash or a lost Redis job could leave behind. Leases of crashed workers expire back to
 * pending; on the database queue a due delivery with no live job gets one; with BullMQ every due row is
 * (re)added under its own id — a no-op for rows BullMQ still holds.
 */
export async function sweepDeliveries(ctx: AppContext, enqueueBull?: (ids: string[]) => Promise<void>): Promise<{ expired: number; rescheduled: number }> {
  const now = new Date();
  const expired = await ctx.db.writer.run(async (trx) => {
    const rows = await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', locked_by: null, locked_until: null, next_attempt_at: now.toISOString(), updated_at: now.toISOString() })
      .where('status', '=', 'in_flight')
      .where('locked_until', '<', now.toISOString())
      .returning('id')
      .execute();
    for (const r of rows) await scheduleDelivery(ctx, trx, r.id, now);
    return rows.length;
  });
  if (usesBullMq(ctx)) {
    const due = await ctx.db.kysely.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', nowIso()).orderBy('next_attempt_at').limit(BATCH).execute();
    await enqueueBull?.(due.map((r) => r.id));
    return { expired, rescheduled: due.length };
  }
  return { expired, rescheduled: await rescheduleOrphans(ctx, now) };
}

async function rescheduleOrphans(ctx: AppContext, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - ORPHAN_GRACE_MS).toISOString();
  const orphans = await ctx.db.kysely
    .selectFrom('webhook_deliveries as d')
    .select('d.id')
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('jobs as j').select('j.id').where('j.type', '=', DELIVER_JOB).where('j.status', 'in', ['pending', 'running']).where('j.payload', '=', sql<string>`'{"deliveryId":"' || d.id || '"}'`))),
    )
    .limit(BATCH)
    .execute();
  if (orphans.length === 0) return 0;
  await ctx.db.writer.run(async (trx) => {
    for (const o of orphans) await scheduleDelivery(ctx, trx, o.id, now);
  });
  ctx.queue.notify();
  return orphans.length;
}
