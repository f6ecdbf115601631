import { hostname } from 'node:os';
import type { Transaction } from 'kysely';
import type { Database, WebhookDeliveriesTable, WebhookEndpointsTable } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { newId, nowIso } from '../core/ids.js';
import { DeliveryFailure, type EndpointBreakers } from './breakers.js';
import { judgeAttempt, type AttemptVerdict } from './retry-policy.js';
import type { SendResult, WebhookSender } from './sender.js';
import { openSecret, signPayload } from './signing.js';
import { scheduleDelivery } from './scheduling.js';

export interface DeliveryRuntime {
  ctx: AppContext;
  sender: WebhookSender;
  breakers: EndpointBreakers;
  workerId: string;
}

export const newWorkerId = () => `${hostname()}:${process.pid}:${newId().slice(-6)}`;

/** finished: delivered or dead; later: postponed to `at` (already scheduled); skipped: not ours to run now. */
export type Outcome = { kind: 'finished'; verdict: AttemptVerdict['kind'] } | { kind: 'later'; at: Date } | { kind: 'skipped'; notBefore?: Date };

interface Claimed {
  delivery: WebhookDeliveriesTable;
  endpoint: WebhookEndpointsTable;
  body: string;
}

const ORDERED_RECHECK_MS = 250;
const DISABLED_RECHECK_MS = 60_000;
const UNEXPECTED_ERROR_RETRY_MS = 30_000;

/**
 * Runs one delivery attempt. The conditional claim (pending → in_flight under this worker's lease) is
 * what makes each attempt run on exactly one worker, whichever queue backend or instance asked.
 */
export async function processDelivery(rt: DeliveryRuntime, deliveryId: string): Promise<Outcome> {
  const claimed = await claim(rt, deliveryId);
  if (!('delivery' in claimed)) return claimed;
  try {
    return await attemptClaimed(rt, claimed);
  } catch (err) {
    // A bug or an unreadable secret (wrong ENCRYPTION_KEY on this instance) must not strand the row
    // in_flight until its lease ends: hand it back for later and say why.
    rt.ctx.log.error({ err, deliveryId }, 'webhook delivery attempt crashed; handing it back');
    return release(rt, claimed.delivery, new Date(Date.now() + UNEXPECTED_ERROR_RETRY_MS));
  }
}

async function attemptClaimed(rt: DeliveryRuntime, { delivery, endpoint, body }: Claimed): Promise<Outcome> {
  let failed: SendResult | null = null;
  const run = await rt.breakers.run(endpoint.id, async () => {
    const result = await rt.sender.send(endpoint.url, signPayload(activeSecrets(rt, endpoint), delivery.event_id, new Date(), body), body);
    if (result.status === null || result.status < 200 || result.status >= 300) {
      failed = result;
      throw new DeliveryFailure(result.error ?? `HTTP ${result.status}`);
    }
    return result;
  }).catch((err: unknown) => {
    if (err instanceof DeliveryFailure && failed) return { rejected: false as const, value: failed as SendResult };
    throw err;
  });
  if (run.rejected) return release(rt, delivery, rt.breakers.reopensAt(endpoint.id));
  return record(rt, delivery, endpoint, run.value);
}

function activeSecrets(rt: DeliveryRuntime, ep: WebhookEndpointsTable): string[] {
  const key = rt.ctx.config.encryptionKey;
  const secrets = [openSecret(key, ep.id, ep.secret_enc)];
  if (ep.previous_secret_enc && ep.previous_secret_expires_at && ep.previous_secret_expires_at > nowIso()) secrets.push(openSecret(key, ep.id, ep.previous_secret_enc));
  return secrets;
}

async function postpone(rt: DeliveryRuntime, trx: Transaction<Database>, id: string, at: Date): Promise<Outcome> {
  await trx.updateTable('webhook_deliveries').set({ next_attempt_at: at.toISOString(), updated_at: nowIso() }).where('id', '=', id).where('status', '=', 'pending').execute();
  await scheduleDelivery(rt.ctx, trx, id, at);
  rt.ctx.metrics.webhookDeliveries.inc({ result: 'postponed' });
  return { kind: 'later', at };
}

function claim(rt: DeliveryRuntime, deliveryId: string): Promise<Claimed | Outcome> {
  const now = new Date();
  return rt.ctx.db.writer.run(async (trx): Promise<Claimed | Outcome> => {
    const d = await trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirst();
    if (!d || d.status !== 'pending') return { kind: 'skipped' };
    if (d.next_attempt_at > now.toISOString()) return { kind: 'skipped', notBefore: new Date(d.next_attempt_at) };
    const ep = await trx.selectFrom('webhook_endpoints').selectAll().where('id', '=', d.endpoint_id).executeTakeFirstOrThrow();
    if (!ep.enabled) return postpone(rt, trx, d.id, new Date(now.getTime() + DISABLED_RECHECK_MS));
    if (ep.ordered) {
      const head = await trx.selectFrom('webhook_deliveries').select(['id', 'status', 'next_attempt_at']).where('endpoint_id', '=', ep.id).where('status', 'in', ['pending', 'in_flight']).orderBy('id').limit(1).executeTakeFirst();
      if (head && head.id !== d.id) {
        const headAt = head.status === 'pending' ? Date.parse(head.next_attempt_at) : 0;
        return postpone(rt, trx, d.id, new Date(Math.max(headAt, now.getTime()) + ORDERED_RECHECK_MS));
      }
    }
    if (rt.breakers.blocked(ep.id)) return postpone(rt, trx, d.id, rt.breakers.reopensAt(ep.id));
    const lockedUntil = new Date(now.getTime() + rt.ctx.config.outboundWebhooks.timeoutMs + 30_000).toISOString();
    const upd = await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'in_flight', locked_by: rt.workerId, locked_until: lockedUntil, updated_at: nowIso() })
      .where('id', '=', d.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (upd.numUpdatedRows === 0n) return { kind: 'skipped' };
    const event = await trx.selectFrom('webhook_outbox_events').select('payload').where('id', '=', d.event_id).executeTakeFirstOrThrow();
    return { delivery: d, endpoint: ep, body: event.payload };
  });
}

/** The circuit opened between claim and send: hand the delivery back without counting an attempt. */
function release(rt: DeliveryRuntime, d: WebhookDeliveriesTable, at: Date): Promise<Outcome> {
  return rt.ctx.db.writer.run(async (trx) => {
    await trx.updateTable('webhook_deliveries').set({ status: 'pending', locked_by: null, locked_until: null, updated_at: nowIso() }).where('id', '=', d.id).where('locked_by', '=', rt.workerId).execute();
    return postpone(rt, trx, d.id, at);
  });
}

async function record(rt: DeliveryRuntime, d: WebhookDeliveriesTable, ep: WebhookEndpointsTable, r: SendResult): Promise<Outcome> {
  const s = rt.ctx.config.outboundWebhooks;
  const attempt = d.attempts + 1;
  const verdict = judgeAttempt(r, attempt, s);
  const now = new Date();
  const next = verdict.kind === 'retry' ? new Date(now.getTime() + verdict.delayMs) : null;
  await rt.ctx.db.writer.run(async (trx) => {
    await trx
      .insertInto('webhook_delivery_attempts')
      .values({ id: newId(), delivery_id: d.id, endpoint_id: ep.id, attempt, status_code: r.status, latency_ms: r.latencyMs, response_excerpt: r.excerpt, error: r.error ?? (verdict.kind === 'dead' ? verdict.reason : null), outcome: verdict.kind, created_at: now.toISOString() })
      .execute();
    const upd = await trx
      .updateTable('webhook_deliveries')
      .set({
        status: verdict.kind === 'retry' ? 'pending' : verdict.kind,
        attempts: attempt,
        next_attempt_at: (next ?? now).toISOString(),
        locked_by: null,
        locked_until: null,
        last_status_code: r.status,
        last_error: verdict.kind === 'dead' ? `${verdict.reason}${r.error ? `: ${r.error}` : ''}`.slice(0, 1000) : r.error,
        delivered_at: verdict.kind === 'delivered' ? now.toISOString() : null,
        dead_at: verdict.kind === 'dead' ? now.toISOString() : null,
        updated_at: now.toISOString(),
      })
      .where('id', '=', d.id)
      .where('locked_by', '=', rt.workerId)
      .executeTakeFirst();
    if (upd.numUpdatedRows === 0n) return; // lease lost: the sweeper already handed it to another run
    if (next) await scheduleDelivery(rt.ctx, trx, d.id, next);
    else if (ep.ordered) await wakeSuccessor(rt, trx, ep.id);
  });
  rt.ctx.metrics.webhookDeliveries.inc({ result: verdict.kind });
  rt.ctx.metrics.webhookDeliveryDuration.observe({ result: verdict.kind }, r.latencyMs / 1000);
  return next ? { kind: 'later', at: next } : { kind: 'finished', verdict: verdict.kind };
}

/** Ordered endpoint: the head finished, so the next delivery in creation order may go now. */
async function wakeSuccessor(rt: DeliveryRuntime, trx: Transaction<Database>, endpointId: string): Promise<void> {
  const next = await trx.selectFrom('webhook_deliveries').select(['id', 'status']).where('endpoint_id', '=', endpointId).where('status', 'in', ['pending', 'in_flight']).orderBy('id').limit(1).executeTakeFirst();
  if (!next || next.status !== 'pending') return;
  const now = new Date();
  await trx.updateTable('webhook_deliveries').set({ next_attempt_at: now.toISOString(), updated_at: now.toISOString() }).where('id', '=', next.id).where('status', '=', 'pending').execute();
  await scheduleDelivery(rt.ctx, trx, next.id, now);
}
