import { createHash } from 'node:crypto';
import type { AppContext } from '../http/context.js';
import { newId, nowIso } from '../core/ids.js';
import { notFound } from '../core/errors.js';
import { resolveConnection, type ResolvedConnection } from '../pos/connection-service.js';
import { APPLY_EVENT_JOB, assertBelongsToConnection } from '../pos/ingest-service.js';
import { getAdapter, type NormalisedEffect, type NormalisedEvent, type PosProvider } from '../pos/providers/index.js';
import { LISTERS } from './listing.js';
import type { PosSync } from './service.js';

export type RepairKind = 'missing_sale' | 'amount_mismatch' | 'missing_refund' | 'refund_mismatch';

export interface ReconcileReport {
  runId: string;
  connectionId: string;
  provider: PosProvider;
  trigger: 'scheduled' | 'manual';
  status: 'ok' | 'failed';
  windowStart: string;
  windowEnd: string;
  checked: number;
  missing: number;
  mismatched: number;
  repaired: number;
  errors: number;
  errorDetails: string[];
  startedAt: string;
  finishedAt: string;
}

/** Per-provider batch sizes from the seed: how many connections' API calls run at once. */
export const BATCH_SIZES: Record<PosProvider, number> = { square: 10, shopify: 15, zettle: 5 };

/** Run `fn` over `items` in consecutive batches of `size` (each batch concurrently). */
export async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/** How the stored state differs from what the provider API says, or null when it agrees. */
async function classify(ctx: AppContext, connectionId: string, effect: NormalisedEffect): Promise<RepairKind | null> {
  const db = ctx.db.kysely;
  if (effect.kind === 'sale') {
    const row = await db.selectFrom('transactions').select('amount_minor').where('connection_id', '=', connectionId).where('external_id', '=', effect.sale.externalId).executeTakeFirst();
    if (!row) return 'missing_sale';
    return row.amount_minor === effect.sale.amountMinor ? null : 'amount_mismatch';
  }
  if (effect.kind === 'refund') {
    const row = await db.selectFrom('transaction_refunds').select(['amount_minor', 'status']).where('connection_id', '=', connectionId).where('external_refund_id', '=', effect.refund.externalRefundId).executeTakeFirst();
    if (!row) return 'missing_refund';
    return row.amount_minor === effect.refund.amountMinor && row.status === effect.refund.status ? null : 'refund_mismatch';
  }
  return null;
}

/**
 * A repair is stored exactly like a received webhook (webhook_events + the apply job in one commit),
 * so the normal apply path (and its refund claw-back) does the work. The event id is derived from the
 * normalised effect: running reconciliation again before the job ran cannot repair twice.
 */
async function storeRepair(ctx: AppContext, conn: ResolvedConnection, event: NormalisedEvent, kind: RepairKind): Promise<boolean> {
  const fingerprint = createHash('sha256').update(JSON.stringify(event.effect)).digest('hex').slice(0, 24);
  const now = nowIso();
  return ctx.db.writer.run(async (trx) => {
    const rows = await trx
      .insertInto('webhook_events')
      .values({ id: newId(), connection_id: conn.id, provider: conn.context.provider, event_id: `reconcile:${kind}:${fingerprint}`, event_type: event.eventType, status: 'received', effect: JSON.stringify(event.effect), received_at: now, processed_at: null, error: null })
      .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing())
      .returning('id')
      .execute();
    const row = rows[0];
    if (!row) return false;
    await ctx.queue.enqueue(trx, APPLY_EVENT_JOB, { eventRowId: row.id });
    return true;
  });
}

function belongs(event: NormalisedEvent, conn: ResolvedConnection): boolean {
  try {
    assertBelongsToConnection(event, conn);
    return true;
  } catch {
    return false;
  }
}

/** Pull the connection's recent window from the provider API and repair what the webhooks missed. */
export async function reconcileConnection(ctx: AppContext, sync: PosSync, connectionId: string, trigger: ReconcileReport['trigger']): Promise<ReconcileReport> {
  const conn = await resolveConnection(ctx.db, ctx.config.encryptionKey, connectionId);
  if (!conn) throw notFound('POS connection');
  const provider = conn.context.provider;
  const startedAt = nowIso();
  const windowEnd = startedAt;
  const windowStart = new Date(Date.now() - ctx.config.posSync.reconcileWindowHours * 3_600_000).toISOString();
  const r: ReconcileReport = { runId: newId(), connectionId, provider, trigger, status: 'ok', windowStart, windowEnd, checked: 0, missing: 0, mismatched: 0, repaired: 0, errors: 0, errorDetails: [], startedAt, finishedAt: startedAt };
  try {
    const items = await sync.tokens.withToken(provider, connectionId, (token) => LISTERS[provider](sync.client, ctx.config.posSync, conn, token, { start: windowStart, end: windowEnd }));
    const adapter = getAdapter(provider);
    for (const item of items) {
      const parsed = adapter.parse(item.raw, conn.context);
      if (!parsed.ok) {
        r.errors++;
        r.errorDetails.push(`${item.key}: ${parsed.reason}`);
        continue;
      }
      if (parsed.event.effect.kind === 'ignored' || !belongs(parsed.event, conn)) continue;
      r.checked++;
      const kind = await classify(ctx, connectionId, parsed.event.effect);
      if (!kind) continue;
      if (kind === 'missing_sale') r.missing++;
      else r.mismatched++;
      if (await storeRepair(ctx, conn, parsed.event, kind)) {
        r.repaired++;
        sync.metrics.repairs.inc({ provider, kind });
      }
    }
    if (r.repaired > 0) ctx.queue.notify();
  } catch (err) {
    r.status = 'failed';
    r.errors++;
    r.errorDetails.push(err instanceof Error ? err.message : String(err));
  }
  r.finishedAt = nowIso();
  await storeRun(ctx, r);
  sync.metrics.reconcileRuns.inc({ provider, outcome: r.status });
  return r;
}

async function storeRun(ctx: AppContext, r: ReconcileReport): Promise<void> {
  await ctx.db.writer.run((trx) =>
    trx
      .insertInto('pos_reconciliation_runs')
      .values({ id: r.runId, connection_id: r.connectionId, provider: r.provider, trigger: r.trigger, window_start: r.windowStart, window_end: r.windowEnd, status: r.status, checked: r.checked, missing: r.missing, mismatched: r.mismatched, repaired: r.repaired, errors: r.errors, error_details: r.errorDetails.length ? JSON.stringify(r.errorDetails.slice(0, 50)) : null, started_at: r.startedAt, finished_at: r.finishedAt })
      .execute(),
  );
}

/** Active connections that have API credentials, optionally narrowed to one connection or business. */
export async function reconcilableConnections(ctx: AppContext, scope: { connectionId?: string; businessId?: string }): Promise<Array<{ id: string; provider: PosProvider }>> {
  let q = ctx.db.kysely.selectFrom('pos_connections as c').innerJoin('pos_api_credentials as k', 'k.connection_id', 'c.id').select(['c.id', 'c.provider']).where('c.status', '=', 'active');
  if (scope.connectionId) q = q.where('c.id', '=', scope.connectionId);
  if (scope.businessId) q = q.where('c.business_id', '=', scope.businessId);
  return (await q.orderBy('c.id').execute()).map((r) => ({ id: r.id, provider: r.provider as PosProvider }));
}

/** Reconcile many connections: providers in parallel, each provider's connections in its batch size. */
export async function reconcileMany(ctx: AppContext, sync: PosSync, connections: Array<{ id: string; provider: PosProvider }>, trigger: ReconcileReport['trigger']): Promise<ReconcileReport[]> {
  const byProvider = Object.entries(BATCH_SIZES).map(([provider, size]) =>
    inBatches(connections.filter((c) => c.provider === provider), size, (c) => reconcileConnection(ctx, sync, c.id, trigger)),
  );
  return (await Promise.all(byProvider)).flat();
}

export function totals(reports: ReconcileReport[]) {
  const sum = (k: 'checked' | 'missing' | 'mismatched' | 'repaired' | 'errors') => reports.reduce((s, r) => s + r[k], 0);
  return { connections: reports.length, checked: sum('checked'), missing: sum('missing'), mismatched: sum('mismatched'), repaired: sum('repaired'), errors: sum('errors') };
}
