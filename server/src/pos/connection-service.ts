import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { PosConnectionsTable } from '../db/schema.js';
import { AppError, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { decrypt, encrypt } from '../core/crypto.js';
import { decodeCursor, toPage } from '../core/pagination.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { getBusinessRow } from '../businesses/business-service.js';
import { getLocationRow } from '../locations/location-service.js';
import type { ConnectionContext, PosProvider } from './providers/types.js';

export interface ConnectionInput {
  provider: PosProvider;
  locationId: string;
  externalMerchantId: string;
  externalLocationId?: string | null;
  signingKey: string;
}

// Bind the ciphertext to its row so a key copied into another connection does not decrypt.
const keyAad = (connectionId: string) => `pos_connection:${connectionId}`;

export const webhookUrlFor = (publicBaseUrl: string, provider: string, id: string) => `${publicBaseUrl}/webhooks/${provider}/${id}`;

/** Provider-specific identity rules; Shopify shop domains compare case-insensitively. */
export function normaliseExternalIds(provider: PosProvider, merchant: string, location: string | null | undefined) {
  const m = merchant.trim();
  const loc = location?.trim() || null;
  if (provider === 'shopify') {
    const domain = m.toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain)) throw new AppError('validation_failed', 'externalMerchantId must be the shop domain, e.g. example.myshopify.com', { field: 'externalMerchantId' });
    if (loc && !/^\d{1,20}$/.test(loc)) throw new AppError('validation_failed', 'externalLocationId must be the numeric Shopify location id', { field: 'externalLocationId' });
    return { merchant: domain, location: loc };
  }
  if (provider === 'zettle') {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(m)) throw new AppError('validation_failed', 'externalMerchantId must be the Zettle organization UUID', { field: 'externalMerchantId' });
    if (loc) throw new AppError('validation_failed', 'Zettle has no location id on purchases; leave externalLocationId out', { field: 'externalLocationId' });
    return { merchant: m.toLowerCase(), location: null };
  }
  if (!loc) throw new AppError('validation_failed', 'Square connections need the Square location id (externalLocationId)', { field: 'externalLocationId' });
  return { merchant: m, location: loc };
}

export function toConnectionDto(row: Selectable<PosConnectionsTable>) {
  return {
    id: row.id,
    businessId: row.business_id,
    locationId: row.location_id,
    provider: row.provider as PosProvider,
    externalMerchantId: row.external_merchant_id,
    externalLocationId: row.external_location_id,
    webhookUrl: row.webhook_url,
    status: row.status,
    lastEventAt: row.last_event_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Whoever chooses a connection's signing key can sign any sale through it. A key a business user chose
 * (created or rotated from the dashboard) puts the connection on probation from that moment: its rewards
 * are held for review for the business's review.newConnectionDays (rewards/review-rules.ts). A key an
 * operator set starts vetted, and an operator setting the key again ends the probation.
 */
export interface KeyChooser {
  byBusinessUser: boolean;
}

export async function createConnection(db: Db, key: Buffer, publicBaseUrl: string, businessId: string, input: ConnectionInput, who: Actor, chooser: KeyChooser) {
  await getBusinessRow(db, businessId);
  await getLocationRow(db, businessId, input.locationId);
  const ids = normaliseExternalIds(input.provider, input.externalMerchantId, input.externalLocationId);
  const id = newId();
  const now = nowIso();
  const row = {
    id,
    business_id: businessId,
    location_id: input.locationId,
    provider: input.provider,
    external_merchant_id: ids.merchant,
    external_location_id: ids.location,
    signing_key_enc: encrypt(input.signingKey, key, keyAad(id)),
    webhook_url: webhookUrlFor(publicBaseUrl, input.provider, id),
    status: 'active',
    last_event_at: null,
    probation_started_at: chooser.byBusinessUser ? now : null,
    created_at: now,
    updated_at: now,
  };
  await db.writer.run(async (trx) => {
    await trx.insertInto('pos_connections').values(row).execute();
    await recordAudit(trx, { ...who, action: 'pos_connection.create', targetType: 'pos_connection', targetId: id, details: { businessId, provider: input.provider } });
  });
  return row;
}

export async function getConnectionRow(db: Db, businessId: string, connectionId: string) {
  const row = await db.kysely.selectFrom('pos_connections').selectAll().where('id', '=', connectionId).where('business_id', '=', businessId).executeTakeFirst();
  if (!row) throw notFound('POS connection');
  return row;
}

export async function listConnections(db: Db, businessId: string, q: { limit: number; cursor?: string }) {
  await getBusinessRow(db, businessId);
  const after = decodeCursor(q.cursor);
  let query = db.kysely.selectFrom('pos_connections').selectAll().where('business_id', '=', businessId).orderBy('id', 'desc').limit(q.limit + 1);
  if (after) query = query.where('id', '<', after);
  return toPage(await query.execute(), q.limit);
}

export interface ConnectionPatch {
  externalMerchantId?: string;
  externalLocationId?: string | null;
  signingKey?: string;
  status?: 'active' | 'disabled';
}

export async function updateConnection(db: Db, key: Buffer, businessId: string, connectionId: string, patch: ConnectionPatch, who: Actor, chooser: KeyChooser) {
  const current = await getConnectionRow(db, businessId, connectionId);
  const provider = current.provider as PosProvider;
  const ids = normaliseExternalIds(provider, patch.externalMerchantId ?? current.external_merchant_id, patch.externalLocationId !== undefined ? patch.externalLocationId : current.external_location_id);
  const next = {
    external_merchant_id: ids.merchant,
    external_location_id: ids.location,
    signing_key_enc: patch.signingKey ? encrypt(patch.signingKey, key, keyAad(connectionId)) : current.signing_key_enc,
    status: patch.status ?? current.status,
    probation_started_at: patch.signingKey ? (chooser.byBusinessUser ? nowIso() : null) : current.probation_started_at,
    updated_at: nowIso(),
  };
  await db.writer.run(async (trx) => {
    await trx.updateTable('pos_connections').set(next).where('id', '=', connectionId).execute();
    // Field names only: the signing key itself never reaches the audit log.
    await recordAudit(trx, { ...who, action: 'pos_connection.update', targetType: 'pos_connection', targetId: connectionId, details: { fields: Object.keys(patch) } });
  });
  return { ...current, ...next };
}

export interface ResolvedConnection {
  id: string;
  businessId: string;
  locationId: string;
  status: string;
  context: ConnectionContext;
}

/** Webhook-path lookup by id alone (the URL is the only thing the provider gives us). */
export async function resolveConnection(db: Db, key: Buffer, connectionId: string): Promise<ResolvedConnection | null> {
  const row = await db.kysely.selectFrom('pos_connections').selectAll().where('id', '=', connectionId).executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    businessId: row.business_id,
    locationId: row.location_id,
    status: row.status,
    context: {
      provider: row.provider as PosProvider,
      externalMerchantId: row.external_merchant_id,
      externalLocationId: row.external_location_id,
      signingKey: decrypt(row.signing_key_enc, key, keyAad(row.id)),
      webhookUrl: row.webhook_url,
    },
  };
}
