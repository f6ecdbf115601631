import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import * as m001 from './migrations/001_foundation.js';
import * as m002 from './migrations/002_feedback_loop.js';

/** Migrations are compiled in (no directory scanning), so the built server and tests run the same set. */
const MIGRATIONS: Record<string, Migration> = {
  '001_foundation': m001,
  '002_feedback_loop': m002,
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
