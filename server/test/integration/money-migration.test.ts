import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, type Migration } from 'kysely';
import { backend, backendUnavailable, createScratchPostgres, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import * as m001 from '../../src/db/migrations/001_foundation.js';
import * as m002 from '../../src/db/migrations/002_feedback_loop.js';
import * as m003 from '../../src/db/migrations/003_money_consent.js';
import * as m004 from '../../src/db/migrations/004_outbound_webhooks.js';
import * as m005 from '../../src/db/migrations/005_pos_reconciliation.js';
import * as m006 from '../../src/db/migrations/006_accounts.js';
import * as m007 from '../../src/db/migrations/007_jobs_claim_index.js';
import * as m008 from '../../src/db/migrations/008_fingerprint_indexes.js';
import * as m009 from '../../src/db/migrations/009_money_controls.js';
import { MIGRATIONS } from '../../src/db/migrate.js';
import { validOrgNumber } from '../helpers/fixtures.js';

/**
 * Migration 009 on a database as it was before (both backends): each business's commission and VAT as they
 * were become the fixed rates of every month it booked money in, a non-default commission moves to the
 * business's own billing (audited), the billing keys leave the owner-editable settings, and a connection a
 * business user created starts its probation then. Checked over HTTP on the migrated database; `down` puts
 * the keys back.
 */

const BEFORE: Record<string, Migration> = { '001_foundation': m001, '002_feedback_loop': m002, '003_money_consent': m003, '004_outbound_webhooks': m004, '005_pos_reconciliation': m005, '006_accounts': m006, '007_jobs_claim_index': m007, '008_fingerprint_indexes': m008 };
// Every migration the server has: the platform below migrates to the latest, later ones included.
const ALL: Record<string, Migration> = { ...MIGRATIONS };
const migrator = (db: Db, set: Record<string, Migration>) => new Migrator({ db: db.kysely, provider: { getMigrations: async () => set } });

const T0 = '2025-01-01T00:00:00.000Z';
const rewardsDoc = (commission: Record<string, unknown>) => ({
  tiers: [
    { name: 'none', labelSv: 'Ingen', minScore: 0, maxScore: 59, minBps: 0, maxBps: 0 },
    { name: 'gold', labelSv: 'Guld', minScore: 60, maxScore: 100, minBps: 800, maxBps: 1200 },
  ],
  maxBps: 1500,
  perRewardCapMinor: 20000,
  minPurchaseMinor: 5000,
  highPurchaseThresholdMinor: 500000,
  highPurchaseMaxBps: 500,
  dailyBudgetMinor: null,
  monthlyBudgetMinor: null,
  perCustomerDailyCapMinor: 50000,
  minPayoutMinor: 1000,
  ...commission,
});

describe.skipIf(backendUnavailable)('migration 009: money controls on existing data', () => {
  let dir: string;
  let target: { url: string; drop(): Promise<void> } | null = null;
  let url: string;
  let p: TestPlatform | null = null;
  const ids = { custom: crypto.randomUUID(), standard: crypto.randomUUID(), loc: crypto.randomUUID(), conn: crypto.randomUUID(), user: crypto.randomUUID() };

  async function seed(db: Db): Promise<void> {
    const k = db.kysely;
    for (const [id, name] of [[ids.custom, 'Kafé Avtal'], [ids.standard, 'Kafé Standard']] as const) {
      await k.insertInto('businesses').values({ id, name, org_number: validOrgNumber(), business_type: 'cafe', email: 'a@b.se', status: 'active', approval_status: 'approved', approved_at: T0, approved_by: 'test', created_at: T0, updated_at: T0 }).execute();
    }
    // A negotiated 10 % flat commission, saved in the business settings as the old code allowed.
    await k.insertInto('business_settings').values({ business_id: ids.custom, settings: JSON.stringify({ rewards: rewardsDoc({ commissionBps: 1000, commissionTiers: [], vatBps: 2500 }), languages: ['sv'] }), updated_at: T0 }).execute();
    await k.insertInto('business_settings').values({ business_id: ids.standard, settings: JSON.stringify({ rewards: rewardsDoc({ commissionBps: 2000, commissionTiers: [{ fromMinor: 2500000, bps: 1800 }, { fromMinor: 10000000, bps: 1500 }], vatBps: 2500 }) }), updated_at: T0 }).execute();
    // Money booked in January and March 2025 (Stockholm), none in February.
    const entries: [string, string, number][] = [
      [ids.custom, '2025-01-15T10:00:00.000Z', 10_000],
      [ids.custom, '2025-03-31T22:30:00.000Z', 5_000], // 1 April 00:30 in Stockholm (summer time)
      [ids.standard, '2025-02-10T10:00:00.000Z', 7_000],
    ];
    for (const [business, at, amount] of entries) {
      const txn = `reward:${crypto.randomUUID()}`;
      await k.insertInto('ledger_entries').values({ id: crypto.randomUUID(), txn_id: txn, account: `business:${business}:rewards_expense`, amount_minor: amount, kind: 'reward', business_id: business, reward_id: null, payout_id: null, created_at: at }).execute();
      await k.insertInto('ledger_entries').values({ id: crypto.randomUUID(), txn_id: txn, account: 'customer:c1:payable', amount_minor: -amount, kind: 'reward', business_id: business, reward_id: null, payout_id: null, created_at: at }).execute();
    }
    // A connection a business user created (per the audit log).
    await k.insertInto('users').values({ id: ids.user, email: 'owner@avtal.se', password_hash: 'x', role: 'business', status: 'active', last_login_at: null, created_at: T0, updated_at: T0 }).execute();
    await k.insertInto('locations').values({ id: ids.loc, business_id: ids.custom, name: 'Butik', address: 'Gatan 1', qr_token: 'qr-migration-test-token', status: 'active', created_at: T0, updated_at: T0 }).execute();
    await k.insertInto('pos_connections').values({ id: ids.conn, business_id: ids.custom, location_id: ids.loc, provider: 'square', external_merchant_id: 'M', external_location_id: 'L', signing_key_enc: 'x', webhook_url: 'https://x', status: 'active', last_event_at: null, created_at: '2025-03-01T08:00:00.000Z', updated_at: T0 }).execute();
    await k.insertInto('audit_log').values({ id: crypto.randomUUID(), actor: `user:${ids.user}`, action: 'pos_connection.create', target_type: 'pos_connection', target_id: ids.conn, details: '{}', ip: null, created_at: '2025-03-01T08:00:00.000Z' }).execute();
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvittra-m009-'));
    target = backend === 'postgres' ? await createScratchPostgres('kvittra_m009') : null;
    url = target?.url ?? path.join(dir, 'before.sqlite');
    const db = openDatabase(target ? { kind: 'postgres', url } : { kind: 'sqlite', file: url });
    const res = await migrator(db, BEFORE).migrateToLatest();
    expect(res.error).toBeUndefined();
    await seed(db);
    await db.close();
    // The platform migrates the database it is given on start.
    p = await startTestPlatform({ DATABASE_URL: url });
  });

  afterAll(async () => {
    await p?.stop();
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fixes the rates each business had for every month it booked money in', async () => {
    const jan = await p!.admin('GET', `/admin/businesses/${ids.custom}/statements/2025-01`);
    expect(jan.body).toMatchObject({ commissionBps: 1_000, vatBps: 2_500, netRewardsMinor: 10_000, commissionMinor: 1_000, vatMinor: 250, ratesFixedAt: expect.any(String) });
    const fixed = await p!.ctx.db.kysely.selectFrom('statement_periods').select(['business_id', 'month', 'commission_bps', 'commission_tiers', 'vat_bps']).orderBy('business_id').orderBy('month').execute();
    expect(fixed.filter((r) => r.business_id === ids.custom).map((r) => [r.month, r.commission_bps, JSON.parse(r.commission_tiers), r.vat_bps])).toEqual([
      ['2025-01', 1_000, [], 2_500],
      ['2025-02', 1_000, [], 2_500],
      ['2025-03', 1_000, [], 2_500],
      ['2025-04', 1_000, [], 2_500],
    ]);
    expect(fixed.filter((r) => r.business_id === ids.standard).map((r) => [r.month, r.commission_bps, r.vat_bps])).toEqual([['2025-02', 2_000, 2_500]]);

    // A later change of the business's commission leaves the migrated months alone.
    expect((await p!.admin('PATCH', `/admin/businesses/${ids.custom}/billing`, { commissionBps: 3_000 })).status).toBe(200);
    expect((await p!.admin('GET', `/admin/businesses/${ids.custom}/statements/2025-01`)).body).toEqual(jan.body);
  });

  it('moves a non-default commission to the business billing (audited) and strips the keys from the settings', async () => {
    const custom = await p!.admin('GET', `/admin/businesses/${ids.custom}/billing`);
    expect(custom.body).toMatchObject({ source: 'business', commissionTiers: [], ceilings: { maxBps: 1_500, perRewardCapMinor: 20_000 } });
    expect((await p!.admin('GET', `/admin/businesses/${ids.standard}/billing`)).body).toMatchObject({ source: 'platform', commissionBps: 2_000 });
    const audit = await p!.admin('GET', `/admin/audit-log?action=business.billing_migrated&targetId=${ids.custom}`);
    expect(audit.body.items).toEqual([expect.objectContaining({ actor: 'system:migration', details: { from: 'business_settings.rewards', commissionBps: 1_000, commissionTiers: [], vatBps: 2_500, platformVatBps: 2_500 } })]);
    for (const id of [ids.custom, ids.standard]) {
      const settings = await p!.admin('GET', `/admin/businesses/${id}/settings`);
      expect(settings.status).toBe(200);
      for (const key of ['commissionBps', 'commissionTiers', 'vatBps']) expect(settings.body.rewards).not.toHaveProperty(key);
      const row = await p!.ctx.db.kysely.selectFrom('business_settings').select('settings').where('business_id', '=', id).executeTakeFirstOrThrow();
      expect(Object.keys(JSON.parse(row.settings).rewards)).not.toContain('commissionBps');
    }
  });

  it('starts the probation of a connection a business user created at its creation', async () => {
    const conn = await p!.ctx.db.kysely.selectFrom('pos_connections').select('probation_started_at').where('id', '=', ids.conn).executeTakeFirstOrThrow();
    expect(conn.probation_started_at).toBe('2025-03-01T08:00:00.000Z');
  });

  it('down puts the billing keys back into the settings', async () => {
    expect(ALL['009_money_controls']).toBe(m009);
    await p!.stop();
    p = null;
    const db = openDatabase(target ? { kind: 'postgres', url } : { kind: 'sqlite', file: url });
    try {
      // Down to the state before 009 (later migrations are undone first).
      const res = await migrator(db, ALL).migrateTo('008_fingerprint_indexes');
      expect(res.error).toBeUndefined();
      const row = await db.kysely.selectFrom('business_settings').select('settings').where('business_id', '=', ids.custom).executeTakeFirstOrThrow();
      expect(JSON.parse(row.settings).rewards).toMatchObject({ commissionBps: 3_000, commissionTiers: [], vatBps: 2_500 });
    } finally {
      await db.close();
    }
  });
});
