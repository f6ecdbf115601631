import { z } from 'zod';
import type { Db } from '../db/database.js';
import { nowIso } from '../core/ids.js';
import { ZRewardSettings, DEFAULT_REWARD_SETTINGS } from '../rewards/settings.js';

/** Everything a business can tune; stored as one validated JSON document per business. */
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

export async function getBusinessSettings(db: Db, businessId: string): Promise<BusinessSettings> {
  const row = await db.kysely.selectFrom('business_settings').select('settings').where('business_id', '=', businessId).executeTakeFirst();
  return row ? ZBusinessSettings.parse(JSON.parse(row.settings)) : defaultBusinessSettings();
}

/** Deep-merges a partial update over the current settings and validates the result as a whole. */
export async function updateBusinessSettings(db: Db, businessId: string, patch: Record<string, unknown>): Promise<BusinessSettings> {
  const current = await getBusinessSettings(db, businessId);
  const next = ZBusinessSettings.parse(deepMerge(current, patch));
  const now = nowIso();
  await db.writer.run((trx) =>
    trx
      .insertInto('business_settings')
      .values({ business_id: businessId, settings: JSON.stringify(next), updated_at: now })
      .onConflict((oc) => oc.column('business_id').doUpdateSet({ settings: JSON.stringify(next), updated_at: now }))
      .execute(),
  );
  return next;
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
