import { randomInt } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database, LocationsTable } from '../db/schema.js';
import { notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { randomToken } from '../core/crypto.js';
import { decodeCursor, toPage } from '../core/pagination.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { getBusinessRow } from '../businesses/business-service.js';

/** A 6-digit code customers type at shops without an integrated POS; unique across all locations. */
async function freeStoreCode(trx: Transaction<Database>): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = String(randomInt(100_000, 1_000_000));
    const taken = await trx.selectFrom('locations').select('id').where('store_code', '=', code).executeTakeFirst();
    if (!taken) return code;
  }
  throw new Error('Could not find a free store code');
}

export const qrUrlFor = (publicBaseUrl: string, qrToken: string) => `${publicBaseUrl}/f/${qrToken}`;

export function toLocationDto(row: Selectable<LocationsTable>, publicBaseUrl: string) {
  return {
    id: row.id,
    businessId: row.business_id,
    name: row.name,
    address: row.address,
    qrToken: row.qr_token,
    qrUrl: qrUrlFor(publicBaseUrl, row.qr_token),
    storeCode: row.store_code,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Tenant-scoped lookup: a location of another business is "not found", never revealed. */
export async function getLocationRow(db: Db, businessId: string, locationId: string) {
  const row = await db.kysely.selectFrom('locations').selectAll().where('id', '=', locationId).where('business_id', '=', businessId).executeTakeFirst();
  if (!row) throw notFound('Location');
  return row;
}

export async function createLocation(db: Db, businessId: string, input: { name: string; address: string }, who: Actor) {
  await getBusinessRow(db, businessId);
  const now = nowIso();
  const row = { id: newId(), business_id: businessId, name: input.name.trim(), address: input.address.trim(), qr_token: randomToken(16), store_code: null as string | null, status: 'active', created_at: now, updated_at: now };
  await db.writer.run(async (trx) => {
    row.store_code = await freeStoreCode(trx);
    await trx.insertInto('locations').values(row).execute();
    await recordAudit(trx, { ...who, action: 'location.create', targetType: 'location', targetId: row.id, details: { businessId } });
  });
  return row;
}

export async function listLocations(db: Db, businessId: string, q: { limit: number; cursor?: string }) {
  await getBusinessRow(db, businessId);
  const after = decodeCursor(q.cursor);
  let query = db.kysely.selectFrom('locations').selectAll().where('business_id', '=', businessId).orderBy('id', 'desc').limit(q.limit + 1);
  if (after) query = query.where('id', '<', after);
  return toPage(await query.execute(), q.limit);
}

export async function updateLocation(db: Db, businessId: string, locationId: string, patch: { name?: string; address?: string; status?: 'active' | 'disabled' }, who: Actor) {
  const current = await getLocationRow(db, businessId, locationId);
  const next = { name: patch.name?.trim() ?? current.name, address: patch.address?.trim() ?? current.address, status: patch.status ?? current.status, updated_at: nowIso() };
  await db.writer.run(async (trx) => {
    await trx.updateTable('locations').set(next).where('id', '=', locationId).execute();
    await recordAudit(trx, { ...who, action: 'location.update', targetType: 'location', targetId: locationId, details: { fields: Object.keys(patch) } });
  });
  return { ...current, ...next };
}

/** Rotating invalidates every printed code for this location at once (e.g. after a leak). */
export async function rotateQrToken(db: Db, businessId: string, locationId: string, who: Actor) {
  const current = await getLocationRow(db, businessId, locationId);
  const next = { qr_token: randomToken(16), updated_at: nowIso() };
  await db.writer.run(async (trx) => {
    await trx.updateTable('locations').set(next).where('id', '=', locationId).execute();
    await recordAudit(trx, { ...who, action: 'location.rotate_qr', targetType: 'location', targetId: locationId });
  });
  return { ...current, ...next };
}
