import { sql, type Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { BusinessesTable } from '../db/schema.js';
import { AppError, isUniqueViolation, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { decodeCursor, toPage } from '../core/pagination.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { normaliseOrgNumber, orgNumberType } from './org-number.js';
import { BUSINESS_TYPE_LABELS_SV, type BusinessType } from './business-types.js';

export interface BusinessInput {
  name: string;
  orgNumber: string;
  businessType: BusinessType;
  email: string;
}

export function toBusinessDto(row: Selectable<BusinessesTable>) {
  const type = row.business_type as BusinessType;
  return {
    id: row.id,
    name: row.name,
    orgNumber: row.org_number,
    orgType: orgNumberType(row.org_number),
    businessType: type,
    businessTypeLabel: BUSINESS_TYPE_LABELS_SV[type],
    email: row.email,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function requireOrgNumber(raw: string): string {
  const org = normaliseOrgNumber(raw);
  if (!org) throw new AppError('invalid_org_number', undefined, { orgNumber: raw.length > 40 ? `${raw.slice(0, 40)}…` : raw });
  return org;
}

async function assertOrgNumberFree(db: Db, org: string, exceptId?: string): Promise<void> {
  const existing = await db.kysely.selectFrom('businesses').select('id').where('org_number', '=', org).executeTakeFirst();
  if (existing && existing.id !== exceptId) throw new AppError('org_number_taken', undefined, { orgNumber: org });
}

export async function createBusiness(db: Db, input: BusinessInput, who: Actor) {
  const org = requireOrgNumber(input.orgNumber);
  await assertOrgNumberFree(db, org);
  const now = nowIso();
  const row = { id: newId(), name: input.name.trim(), org_number: org, business_type: input.businessType, email: input.email.trim().toLowerCase(), status: 'active', created_at: now, updated_at: now };
  try {
    await db.writer.run(async (trx) => {
      await trx.insertInto('businesses').values(row).execute();
      await recordAudit(trx, { ...who, action: 'business.create', targetType: 'business', targetId: row.id, details: { name: row.name, orgNumber: org } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('org_number_taken', undefined, { orgNumber: org });
    throw err;
  }
  return toBusinessDto(row);
}

export async function getBusinessRow(db: Db, id: string) {
  const row = await db.kysely.selectFrom('businesses').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Business');
  return row;
}

export async function listBusinesses(db: Db, q: { limit: number; cursor?: string; status?: string; search?: string }) {
  const after = decodeCursor(q.cursor);
  let query = db.kysely.selectFrom('businesses').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (after) query = query.where('id', '<', after);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.search) {
    // Same semantics on both backends: case-insensitive (PostgreSQL LIKE is not), % and _ literal.
    const pattern = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([sql<boolean>`lower(${eb.ref('name')}) like ${pattern} escape '\\'`, sql<boolean>`${eb.ref('org_number')} like ${pattern} escape '\\'`]));
  }
  const page = toPage(await query.execute(), q.limit);
  return { items: page.items.map(toBusinessDto), nextCursor: page.nextCursor };
}

export async function updateBusiness(db: Db, id: string, patch: Partial<BusinessInput & { status: 'active' | 'disabled' }>, who: Actor) {
  const current = await getBusinessRow(db, id);
  const org = patch.orgNumber !== undefined ? requireOrgNumber(patch.orgNumber) : current.org_number;
  if (org !== current.org_number) await assertOrgNumberFree(db, org, id);
  const next = {
    name: patch.name?.trim() ?? current.name,
    org_number: org,
    business_type: patch.businessType ?? current.business_type,
    email: patch.email?.trim().toLowerCase() ?? current.email,
    status: patch.status ?? current.status,
    updated_at: nowIso(),
  };
  await db.writer.run(async (trx) => {
    await trx.updateTable('businesses').set(next).where('id', '=', id).execute();
    await recordAudit(trx, { ...who, action: patch.status && patch.status !== current.status ? `business.${patch.status === 'disabled' ? 'disable' : 'enable'}` : 'business.update', targetType: 'business', targetId: id, details: { fields: Object.keys(patch) } });
  });
  return toBusinessDto({ ...current, ...next });
}
