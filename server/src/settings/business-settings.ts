import { z } from 'zod';
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { ZRewardSettings, DEFAULT_REWARD_SETTINGS } from '../rewards/settings.js';
import { ceilingProblems } from '../rewards/billing.js';
import { getBusinessBilling } from '../rewards/billing-store.js';
import { settingChanges } from '../rewards/setting-changes.js';
import { deepMerge, isPlainObject } from './deep-merge.js';

/** Everything a business can tune (money only inside the operator's ceilings); stored as one validated JSON document per business. */
export const ZBusinessSettings = z.object({
  matching: z
    .object({
      timeToleranceSeconds: z.number().int().min(0).max(3600).default(120),
      amountToleranceMinor: z.number().int().min(0).max(10_000).default(50),
      maxPurchaseAgeDays: z.number().int().min(1).max(90).default(14),
    })
    .default({ timeToleranceSeconds: 120, amountToleranceMinor: 50, maxPurchaseAgeDays: 14 }),
  rewards: ZRewardSettings.default(DEFAULT_REWARD_SETTINGS),
  context: z
    .object({
      sells: z.string().max(2000).default(''),
      staffNames: z.array(z.string().min(1).max(80)).max(100).default([]),
      knownIssues: z.string().max(2000).default(''),
      campaigns: z.string().max(2000).default(''),
    })
    .default({ sells: '', staffNames: [], knownIssues: '', campaigns: '' }),
  languages: z.array(z.enum(['sv', 'en'])).min(1).default(['sv', 'en']),
  storeReview: z
    .object({
      deadlineDays: z.number().int().min(1).max(60).default(14),
      reminderDaysBefore: z.array(z.number().int().min(1).max(30)).max(5).default([7, 3, 1]),
      defaultAction: z.enum(['reject', 'approve']).default('reject'),
    })
    .default({ deadlineDays: 14, reminderDaysBefore: [7, 3, 1], defaultAction: 'reject' }),
});
export type BusinessSettings = z.infer<typeof ZBusinessSettings>;

export const defaultBusinessSettings = (): BusinessSettings => ZBusinessSettings.parse({});

type Q = Kysely<Database> | Transaction<Database>;

async function readSettings(q: Q, businessId: string): Promise<BusinessSettings> {
  const row = await q.selectFrom('business_settings').select('settings').where('business_id', '=', businessId).executeTakeFirst();
  return row ? ZBusinessSettings.parse(JSON.parse(row.settings)) : defaultBusinessSettings();
}

export async function getBusinessSettings(db: Db, businessId: string): Promise<BusinessSettings> {
  return readSettings(db.kysely, businessId);
}

/** Commission, its tiers and VAT moved to the operator-only billing settings (rewards/billing.ts). */
const BILLING_FIELDS = ['commissionBps', 'commissionTiers', 'vatBps'] as const;

/** The billing fields a settings patch tries to set, at the top level or under `rewards`. */
export function billingFieldsIn(patch: Record<string, unknown>): string[] {
  const rewards = isPlainObject(patch.rewards) ? patch.rewards : {};
  return [...BILLING_FIELDS.filter((k) => k in patch), ...BILLING_FIELDS.filter((k) => k in rewards).map((k) => `rewards.${k}`)];
}

function invalidSettings(err: z.ZodError): AppError {
  return new AppError('validation_failed', `Invalid settings: ${err.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

/**
 * Deep-merges a partial update over the current settings and validates the result as a whole. A patch that
 * touches `rewards` must leave them inside the operator's ceilings. Billing fields are refused outright (403),
 * whoever sends them: they belong to PATCH …/billing. The audit row carries the old and new value of every
 * changed reward setting and is written in the same transaction as the change.
 */
export async function updateBusinessSettings(db: Db, businessId: string, patch: Record<string, unknown>, who: Actor): Promise<BusinessSettings> {
  const forbidden = billingFieldsIn(patch);
  if (forbidden.length > 0) {
    const details = forbidden.map((path) => ({ path, message: 'set by the platform operator (PATCH /admin/businesses/:businessId/billing), not in business settings' }));
    throw new AppError('billing_setting_forbidden', `${forbidden.join(', ')}: commission, commission tiers and VAT are billing settings only the platform operator sets.`, details);
  }
  return db.writer.run(async (trx) => {
    const current = await readSettings(trx, businessId);
    const parsed = ZBusinessSettings.safeParse(deepMerge(current, patch));
    if (!parsed.success) throw invalidSettings(parsed.error);
    const next = parsed.data;
    if ('rewards' in patch) {
      const { billing } = await getBusinessBilling(trx, businessId);
      const problems = ceilingProblems(next.rewards, billing.ceilings);
      if (problems.length > 0) throw new AppError('reward_ceiling_exceeded', `Beyond the platform's ceilings: ${problems.map((p) => p.message).join('; ')}`, problems);
    }
    const now = nowIso();
    await trx
      .insertInto('business_settings')
      .values({ business_id: businessId, settings: JSON.stringify(next), updated_at: now })
      .onConflict((oc) => oc.column('business_id').doUpdateSet({ settings: JSON.stringify(next), updated_at: now }))
      .execute();
    const changes = settingChanges(current.rewards, next.rewards, 'rewards');
    await recordAudit(trx, { ...who, action: 'business.settings_update', targetType: 'business', targetId: businessId, details: { fields: Object.keys(patch), ...(changes.length > 0 ? { changes } : {}) } });
    return next;
  });
}
