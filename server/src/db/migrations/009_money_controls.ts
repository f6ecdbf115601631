import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { newId } from '../../core/ids.js';

/**
 * Money controls (issue 14): commission, commission tiers and VAT leave the owner-editable business settings
 * for operator-only billing (business_billing; platform_settings for VAT and the platform defaults); every
 * statement month gets the rates it is charged at (statement_periods); a POS connection whose signing key a
 * business user chose is on probation (pos_connections.probation_started_at).
 *
 * Existing data keeps what it had: each business's current commission, tiers and VAT are fixed as the rates
 * of every month it has booked money in, a business whose commission differed from the defaults gets its own
 * billing row with those values (audited as `business.billing_migrated` so operators can review them), and
 * connections created or re-keyed by business users (per the audit log) start their probation at that time.
 *
 * The default values below are copied, not imported: this migration must keep doing what it did when the
 * application's defaults change later. (Audit ids come from newId so the log stays time-ordered.)
 */
const DEFAULT_COMMISSION_BPS = 2_000;
const DEFAULT_COMMISSION_TIERS = [
  { fromMinor: 2_500_000, bps: 1_800 },
  { fromMinor: 10_000_000, bps: 1_500 },
];
const DEFAULT_VAT_BPS = 2_500;
const DEFAULT_CEILINGS = { maxBps: 1_500, perRewardCapMinor: 20_000, dailyBudgetRequiredAboveBps: 1_200, maxDailyBudgetMinor: 1_000_000 };
const DEFAULT_REVIEW = { newConnectionDays: 14, holdRewardAboveMinor: 15_000, velocityMaxRewards: 30, velocityWindowMinutes: 60 };
const BILLING_KEYS = ['commissionBps', 'commissionTiers', 'vatBps'] as const;
const ZONE = 'Europe/Stockholm';

interface Rates {
  commissionBps: number;
  commissionTiers: unknown;
  vatBps: number;
}

const DEFAULT_RATES: Rates = { commissionBps: DEFAULT_COMMISSION_BPS, commissionTiers: DEFAULT_COMMISSION_TIERS, vatBps: DEFAULT_VAT_BPS };

async function createTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('platform_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  await db.schema
    .createTable('business_billing')
    .addColumn('business_id', 'text', (c) => c.primaryKey().references('businesses.id'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  await db.schema
    .createTable('statement_periods')
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('commission_bps', 'integer', (c) => c.notNull())
    .addColumn('commission_tiers', 'text', (c) => c.notNull())
    .addColumn('vat_bps', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('statement_periods_pk', ['business_id', 'month'])
    .execute();
  await db.schema.alterTable('pos_connections').addColumn('probation_started_at', 'text').execute();
}

const sameRates = (a: Rates, b: Rates) => a.commissionBps === b.commissionBps && JSON.stringify(a.commissionTiers) === JSON.stringify(b.commissionTiers);

/** Moves the billing keys out of every stored settings document; returns each business's rates as they were. */
async function moveBillingOutOfSettings(db: Kysely<unknown>, now: string): Promise<Map<string, Rates>> {
  const rows = await sql<{ business_id: string; settings: string }>`select business_id, settings from business_settings`.execute(db);
  const rates = new Map<string, Rates>();
  for (const row of rows.rows) {
    const doc = JSON.parse(row.settings) as { rewards?: Record<string, unknown> };
    const rewards = doc.rewards ?? {};
    if (!BILLING_KEYS.some((k) => k in rewards)) continue;
    const own: Rates = {
      commissionBps: typeof rewards.commissionBps === 'number' ? rewards.commissionBps : DEFAULT_COMMISSION_BPS,
      commissionTiers: Array.isArray(rewards.commissionTiers) ? rewards.commissionTiers : DEFAULT_COMMISSION_TIERS,
      vatBps: typeof rewards.vatBps === 'number' ? rewards.vatBps : DEFAULT_VAT_BPS,
    };
    rates.set(row.business_id, own);
    for (const k of BILLING_KEYS) delete rewards[k];
    await sql`update business_settings set settings = ${JSON.stringify(doc)} where business_id = ${row.business_id}`.execute(db);
    if (sameRates(own, DEFAULT_RATES) && own.vatBps === DEFAULT_VAT_BPS) continue;
    const billing = { commissionBps: own.commissionBps, commissionTiers: own.commissionTiers, ceilings: DEFAULT_CEILINGS, review: DEFAULT_REVIEW };
    await sql`insert into business_billing (business_id, settings, updated_at, updated_by) values (${row.business_id}, ${JSON.stringify(billing)}, ${now}, 'system:migration')`.execute(db);
    const details = { from: 'business_settings.rewards', commissionBps: own.commissionBps, commissionTiers: own.commissionTiers, vatBps: own.vatBps, platformVatBps: DEFAULT_VAT_BPS };
    await sql`insert into audit_log (id, actor, action, target_type, target_id, details, ip, created_at)
              values (${newId()}, 'system:migration', 'business.billing_migrated', 'business', ${row.business_id}, ${JSON.stringify(details)}, null, ${now})`.execute(db);
  }
  return rates;
}

const monthOf = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(ZONE).startOf('month');

/** Every month from a business's first to its last booked entry gets the rates the business had. */
async function fixBookedMonths(db: Kysely<unknown>, rates: Map<string, Rates>, now: string): Promise<void> {
  const spans = await sql<{ business_id: string; first: string; last: string }>`
    select business_id, min(created_at) as first, max(created_at) as last from ledger_entries where business_id is not null group by business_id`.execute(db);
  for (const span of spans.rows) {
    const r = rates.get(span.business_id) ?? DEFAULT_RATES;
    const tiers = JSON.stringify(r.commissionTiers);
    for (let m = monthOf(span.first); m <= monthOf(span.last); m = m.plus({ months: 1 })) {
      await sql`insert into statement_periods (business_id, month, commission_bps, commission_tiers, vat_bps, created_at)
                values (${span.business_id}, ${m.toFormat('yyyy-MM')}, ${r.commissionBps}, ${tiers}, ${r.vatBps}, ${now})`.execute(db);
    }
  }
}

/** Connections a business user created or re-keyed start their probation when that happened (the audit log knows who). */
async function startProbations(db: Kysely<unknown>): Promise<void> {
  const rows = await sql<{ target_id: string; action: string; details: string | null; created_at: string }>`
    select a.target_id, a.action, a.details, a.created_at from audit_log a
    join users u on a.actor = 'user:' || u.id
    where u.role = 'business' and a.target_type = 'pos_connection' and a.action in ('pos_connection.create', 'pos_connection.update')
    order by a.created_at`.execute(db);
  const keyChosen = new Map<string, string>();
  for (const r of rows.rows) {
    const fields = (r.details ? (JSON.parse(r.details) as { fields?: string[] }).fields : undefined) ?? [];
    if (r.action === 'pos_connection.create' || fields.includes('signingKey')) keyChosen.set(r.target_id, r.created_at);
  }
  for (const [id, at] of keyChosen) await sql`update pos_connections set probation_started_at = ${at} where id = ${id}`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTables(db);
  const now = new Date().toISOString();
  const rates = await moveBillingOutOfSettings(db, now);
  await fixBookedMonths(db, rates, now);
  await startProbations(db);
}

/** Puts the billing keys back into every settings document (the code before this migration requires them). */
export async function down(db: Kysely<unknown>): Promise<void> {
  const platform = await sql<{ value: string }>`select value from platform_settings where key = 'billing'`.execute(db);
  const vatBps = platform.rows[0] ? (JSON.parse(platform.rows[0].value) as { vatBps: number }).vatBps : DEFAULT_VAT_BPS;
  const billing = await sql<{ business_id: string; settings: string }>`select business_id, settings from business_billing`.execute(db);
  const own = new Map(billing.rows.map((r) => [r.business_id, JSON.parse(r.settings) as Rates]));
  const rows = await sql<{ business_id: string; settings: string }>`select business_id, settings from business_settings`.execute(db);
  for (const row of rows.rows) {
    const doc = JSON.parse(row.settings) as { rewards?: Record<string, unknown> };
    if (!doc.rewards) continue;
    const b = own.get(row.business_id) ?? DEFAULT_RATES;
    Object.assign(doc.rewards, { commissionBps: b.commissionBps, commissionTiers: b.commissionTiers, vatBps });
    await sql`update business_settings set settings = ${JSON.stringify(doc)} where business_id = ${row.business_id}`.execute(db);
  }
  await db.schema.alterTable('pos_connections').dropColumn('probation_started_at').execute();
  for (const t of ['statement_periods', 'business_billing', 'platform_settings']) await db.schema.dropTable(t).ifExists().execute();
}
