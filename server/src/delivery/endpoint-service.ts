import type { Selectable } from 'kysely';
import type { WebhookEndpointsTable } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { decodeCursor, toPage } from '../core/pagination.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { getBusinessRow } from '../businesses/business-service.js';
import type { OutboundEventType } from './event-types.js';
import { generateSecret, sealSecret } from './signing.js';
import { registrationPolicy, urlProblem } from './url-guard.js';
import { scheduleDelivery } from './scheduling.js';

export interface EndpointInput {
  url: string;
  eventTypes: OutboundEventType[];
  description?: string;
  ordered?: boolean;
  enabled?: boolean;
}

type Row = Selectable<WebhookEndpointsTable>;

export function toEndpointDto(row: Row) {
  const overlap = row.previous_secret_expires_at && row.previous_secret_expires_at > nowIso() ? row.previous_secret_expires_at : null;
  return {
    id: row.id,
    businessId: row.business_id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as OutboundEventType[],
    ordered: row.ordered === 1,
    enabled: row.enabled === 1,
    circuitState: row.circuit_state,
    circuitChangedAt: row.circuit_changed_at,
    previousSecretExpiresAt: overlap,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `byOperator`: only an operator may point an endpoint at loopback in production (OUTBOUND_WEBHOOK_ALLOW_LOOPBACK). */
/** The audit actor, and whether it is an operator (admin token or operator account) rather than a tenant user. */
export type EndpointActor = Actor & { isOperator: boolean };

function assertUrl(ctx: AppContext, url: string, byOperator: boolean): void {
  const problem = urlProblem(url, registrationPolicy(ctx.config.env, ctx.config.outboundWebhooks.allowLoopback, byOperator));
  if (problem) throw new AppError('validation_failed', `url: ${problem}`, { field: 'url' });
}

export async function getEndpointRow(ctx: AppContext, businessId: string, endpointId: string): Promise<Row> {
  const row = await ctx.db.kysely.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId).where('business_id', '=', businessId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('Webhook endpoint');
  return row;
}

/** Creates an endpoint with a fresh secret; the secret is returned this once and stored encrypted. */
export async function createEndpoint(ctx: AppContext, businessId: string, input: EndpointInput, who: EndpointActor) {
  await getBusinessRow(ctx.db, businessId);
  assertUrl(ctx, input.url, who.isOperator);
  const id = newId();
  const secret = generateSecret();
  const now = nowIso();
  const row: Row = {
    id,
    business_id: businessId,
    url: input.url,
    description: input.description ?? '',
    event_types: JSON.stringify([...new Set(input.eventTypes)]),
    ordered: input.ordered ? 1 : 0,
    enabled: input.enabled === false ? 0 : 1,
    secret_enc: sealSecret(ctx.config.encryptionKey, id, secret),
    previous_secret_enc: null,
    previous_secret_expires_at: null,
    circuit_state: 'closed',
    circuit_changed_at: null,
    deleted_at: null,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.writer.run(async (trx) => {
    await trx.insertInto('webhook_endpoints').values(row).execute();
    await recordAudit(trx, { ...who, action: 'webhook_endpoint.create', targetType: 'webhook_endpoint', targetId: id, details: { businessId, url: input.url, eventTypes: input.eventTypes, ordered: !!input.ordered } });
  });
  return { ...toEndpointDto(row), secret };
}

export async function listEndpoints(ctx: AppContext, businessId: string, page: { limit: number; cursor?: string | undefined }) {
  await getBusinessRow(ctx.db, businessId);
  const after = decodeCursor(page.cursor);
  let q = ctx.db.kysely.selectFrom('webhook_endpoints').selectAll().where('business_id', '=', businessId).where('deleted_at', 'is', null).orderBy('id', 'desc').limit(page.limit + 1);
  if (after) q = q.where('id', '<', after);
  const p = toPage(await q.execute(), page.limit);
  return { items: p.items.map(toEndpointDto), nextCursor: p.nextCursor };
}

export async function updateEndpoint(ctx: AppContext, businessId: string, endpointId: string, patch: Partial<EndpointInput>, who: EndpointActor) {
  const current = await getEndpointRow(ctx, businessId, endpointId);
  if (patch.url !== undefined) assertUrl(ctx, patch.url, who.isOperator);
  const now = nowIso();
  const set: Partial<Row> = { updated_at: now };
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.eventTypes !== undefined) set.event_types = JSON.stringify([...new Set(patch.eventTypes)]);
  if (patch.ordered !== undefined) set.ordered = patch.ordered ? 1 : 0;
  if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
  await ctx.db.writer.run(async (trx) => {
    await trx.updateTable('webhook_endpoints').set(set).where('id', '=', endpointId).execute();
    // Re-enabled: deliveries that waited while it was disabled go now rather than at their next recheck.
    if (patch.enabled === true && current.enabled === 0) {
      const waiting = await trx.updateTable('webhook_deliveries').set({ next_attempt_at: now, updated_at: now }).where('endpoint_id', '=', endpointId).where('status', '=', 'pending').returning('id').execute();
      for (const w of waiting) await scheduleDelivery(ctx, trx, w.id, new Date());
    }
    await recordAudit(trx, { ...who, action: 'webhook_endpoint.update', targetType: 'webhook_endpoint', targetId: endpointId, details: { businessId, changes: Object.keys(patch) } });
  });
  ctx.queue.notify();
  return toEndpointDto(await getEndpointRow(ctx, businessId, endpointId));
}

/** Soft delete: the row stays for its deliveries' history; what was still waiting is dead-lettered. */
export async function deleteEndpoint(ctx: AppContext, businessId: string, endpointId: string, who: Actor): Promise<void> {
  await getEndpointRow(ctx, businessId, endpointId);
  const now = nowIso();
  await ctx.db.writer.run(async (trx) => {
    await trx.updateTable('webhook_endpoints').set({ deleted_at: now, enabled: 0, updated_at: now }).where('id', '=', endpointId).execute();
    const dropped = await trx.updateTable('webhook_deliveries').set({ status: 'dead', dead_at: now, last_error: 'endpoint deleted', locked_by: null, locked_until: null, updated_at: now }).where('endpoint_id', '=', endpointId).where('status', '=', 'pending').executeTakeFirst();
    await recordAudit(trx, { ...who, action: 'webhook_endpoint.delete', targetType: 'webhook_endpoint', targetId: endpointId, details: { businessId, deadLettered: Number(dropped.numUpdatedRows) } });
  });
}

/**
 * New secret; the old one keeps signing alongside it (both signatures in webhook-signature) for the
 * overlap window, so the merchant can switch their verifier without missing a delivery.
 */
export async function rotateSecret(ctx: AppContext, businessId: string, endpointId: string, overlapHours: number | undefined, who: Actor) {
  const current = await getEndpointRow(ctx, businessId, endpointId);
  const hours = overlapHours ?? ctx.config.outboundWebhooks.secretOverlapHours;
  const secret = generateSecret();
  const now = new Date();
  const expiresAt = hours > 0 ? new Date(now.getTime() + hours * 3_600_000).toISOString() : null;
  await ctx.db.writer.run(async (trx) => {
    await trx
      .updateTable('webhook_endpoints')
      .set({ secret_enc: sealSecret(ctx.config.encryptionKey, endpointId, secret), previous_secret_enc: expiresAt ? current.secret_enc : null, previous_secret_expires_at: expiresAt, updated_at: now.toISOString() })
      .where('id', '=', endpointId)
      .execute();
    await recordAudit(trx, { ...who, action: 'webhook_endpoint.rotate_secret', targetType: 'webhook_endpoint', targetId: endpointId, details: { businessId, overlapHours: hours } });
  });
  return { secret, previousSecretExpiresAt: expiresAt, endpoint: toEndpointDto(await getEndpointRow(ctx, businessId, endpointId)) };
}
