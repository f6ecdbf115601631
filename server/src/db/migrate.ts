import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import * as m001 from './migrations/001_foundation.js';
import * as m002 from './migrations/002_feedback_loop.js';
import * as m003 from './migrations/003_money_consent.js';
import * as m004 from './migrations/004_outbound_webhooks.js';
import * as m005 from './migrations/005_pos_reconciliation.js';
import * as m006 from './migrations/006_accounts.js';
import * as m007 from './migrations/007_jobs_claim_index.js';
import * as m008 from './migrations/008_fingerprint_indexes.js';
import * as m009 from './migrations/009_money_controls.js';
import * as m010 from './migrations/010_verify_budgets.js';

/** Migrations are compiled in (no directory scanning), so the built server and tests run the same set. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001_foundation': m001,
  '002_feedback_loop': m002,
  '003_money_consent': m003,
  '004_outbound_webhooks': m004,
  '005_pos_reconciliation': m005,
  '006_accounts': m006,
  '007_jobs_claim_index': m007,
  '008_fingerprint_indexes': m008,
  '009_money_controls': m009,
  '010_verify_budgets': m010,
};

class StaticProvider implements MigrationProvider {
  async getMigrations() {
    return MIGRATIONS;
  }
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db: db.kysely, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
