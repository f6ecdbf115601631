import { sql, type Kysely, type Transaction } from 'kysely';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import type { Db } from '../db/database.js';
import { AppError } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { deepMerge } from '../settings/deep-merge.js';
import { DEFAULT_PLATFORM_BILLING, ZBusinessBilling, ZCommissionTiers, ZPlatformBilling, type BusinessBilling, type PlatformBilling } from './billing.js';
import { settingChanges, type SettingChange } from './setting-changes.js';
import type { CommissionBand } from './commission.js';

type Q = Kysely<Database> | Transaction<Database>;

export interface EffectiveBilling {
  billing: BusinessBilling;
  /** `business`: the business has its own row; `platform`: it follows the platform defaults. */
  source: 'business' | 'platform';
  vatBps: number;
}

const PLATFORM_BILLING_KEY = 'billing';

export async function getPlatformBilling(q: Q): Promise<PlatformBilling> {
  const row = await q.selectFrom('platform_settings').select('value').where('key', '=', PLATFORM_BILLING_KEY).executeTakeFirst();
  return row ? ZPlatformBilling.parse(JSON.parse(row.value)) : structuredClone(DEFAULT_PLATFORM_BILLING) as PlatformBilling;
}

export async function getBusinessBilling(q: Q, businessId: string): Promise<EffectiveBilling> {
  const [platform, row] = await Promise.all([getPlatformBilling(q), q.selectFrom('business_billing').select('settings').where('business_id', '=', businessId).executeTakeFirst()]);
  if (!row) return { billing: platform.defaults, source: 'platform', vatBps: platform.vatBps };
  return { billing: ZBusinessBilling.parse(JSON.parse(row.settings)), source: 'business', vatBps: platform.vatBps };
}

/** Concurrent edits of one document are serialised (PostgreSQL; SQLite writes one at a time anyway), so each audit row's old values are the real ones. */
async function lockDocument(trx: Transaction<Database>, dialect: Db['dialect'], key: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${`billing:${key}`}, 0))`.execute(trx);
}

function validationError(what: string, err: z.ZodError): AppError {
  return new AppError('validation_failed', `Invalid ${what}: ${err.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const res = schema.safeParse(value);
  if (!res.success) throw validationError(what, res.error);
  return res.data;
}

/**
 * Deep-merges an operator's patch over the business's effective billing (its own row, else the platform
 * defaults), validates the whole and stores it as the business's own row, auditing every changed value.
 */
export async function updateBusinessBilling(db: Db, businessId: string, patch: Record<string, unknown>, who: Actor): Promise<{ billing: EffectiveBilling; changes: SettingChange[] }> {
  return db.writer.run(async (trx) => {
    await lockDocument(trx, db.dialect, businessId);
    const current = await getBusinessBilling(trx, businessId);
    const next = parseOrThrow(ZBusinessBilling, deepMerge(current.billing, patch), 'billing settings');
    const changes = settingChanges(current.billing, next, '');
    const now = nowIso();
    const value = { settings: JSON.stringify(next), updated_at: now, updated_by: who.actor };
    await trx.insertInto('business_billing').values({ business_id: businessId, ...value }).onConflict((oc) => oc.column('business_id').doUpdateSet(value)).execute();
    await recordAudit(trx, { ...who, action: 'business.billing_update', targetType: 'business', targetId: businessId, details: { fields: Object.keys(patch), changes } });
    return { billing: { billing: next, source: 'business', vatBps: current.vatBps }, changes };
  });
}

/** The same for the platform document (VAT and the defaults every business without its own row follows). */
export async function updatePlatformBilling(db: Db, patch: Record<string, unknown>, who: Actor): Promise<{ billing: PlatformBilling; changes: SettingChange[] }> {
  return db.writer.run(async (trx) => {
    await lockDocument(trx, db.dialect, PLATFORM_BILLING_KEY);
    const current = await getPlatformBilling(trx);
    const next = parseOrThrow(ZPlatformBilling, deepMerge(current, patch), 'platform billing settings');
    const changes = settingChanges(current, next, '');
    const now = nowIso();
    const value = { value: JSON.stringify(next), updated_at: now, updated_by: who.actor };
    await trx.insertInto('platform_settings').values({ key: PLATFORM_BILLING_KEY, ...value }).onConflict((oc) => oc.column('key').doUpdateSet(value)).execute();
    await recordAudit(trx, { ...who, action: 'platform.billing_update', targetType: 'platform', targetId: PLATFORM_BILLING_KEY, details: { fields: Object.keys(patch), changes } });
    return { billing: next, changes };
  });
}

/** The statement month (Stockholm) an instant belongs to. */
export const statementMonthOf = (iso: string): string => DateTime.fromISO(iso, { zone: 'utc' }).setZone('Europe/Stockholm').toFormat('yyyy-MM');

export interface StatementRates {
  commissionBps: number;
  commissionTiers: CommissionBand[];
  vatBps: number;
  /** When the month's rates were fixed; null = nothing booked yet, so the current rates are shown. */
  fixedAt: string | null;
}

/**
 * Fixes the business's current commission, tiers and VAT as the rates of the statement month `at` falls
 * in, unless that month already has its rates. Called in the transaction that books the month's money,
 * so every booked amount is charged at the rates in force when its month began to be booked, and a later
 * change (by an operator, or a default changing) only reaches months with nothing booked yet.
 */
export async function fixStatementRates(trx: Transaction<Database>, businessId: string, at: string): Promise<void> {
  const month = statementMonthOf(at);
  const fixed = await trx.selectFrom('statement_periods').select('month').where('business_id', '=', businessId).where('month', '=', month).executeTakeFirst();
  if (fixed) return;
  const { billing, vatBps } = await getBusinessBilling(trx, businessId);
  await trx
    .insertInto('statement_periods')
    .values({ business_id: businessId, month, commission_bps: billing.commissionBps, commission_tiers: JSON.stringify(billing.commissionTiers), vat_bps: vatBps, created_at: at })
    .onConflict((oc) => oc.columns(['business_id', 'month']).doNothing())
    .execute();
}

export async function statementRates(q: Q, businessId: string, month: string): Promise<StatementRates> {
  const row = await q.selectFrom('statement_periods').selectAll().where('business_id', '=', businessId).where('month', '=', month).executeTakeFirst();
  if (row) return { commissionBps: row.commission_bps, commissionTiers: ZCommissionTiers.parse(JSON.parse(row.commission_tiers)), vatBps: row.vat_bps, fixedAt: row.created_at };
  const { billing, vatBps } = await getBusinessBilling(q, businessId);
  return { commissionBps: billing.commissionBps, commissionTiers: billing.commissionTiers, vatBps, fixedAt: null };
}
