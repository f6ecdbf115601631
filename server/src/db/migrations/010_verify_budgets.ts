import type { Kysely } from 'kysely';

/**
 * Purchase-verification failure budgets kept across sessions and instances (feedback/verify-budget.ts):
 * one row per counted miss or charged hit, keyed by a keyed hash of the device, the address or the
 * location, and kept for about a day. feedback_sessions.verify_evidence records, when a purchase is
 * claimed, how many misses came before it (JSON {failures, locationUnderAttack}) for the fraud check.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('verify_budget_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull()) // d:<device> | al:<location>:<address> | a:<address> | l:<location>
    .addColumn('kind', 'text', (c) => c.notNull()) // miss | hit
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('verify_budget_entries_key_idx').on('verify_budget_entries').columns(['key', 'created_at']).execute();
  await db.schema.createIndex('verify_budget_entries_created_idx').on('verify_budget_entries').column('created_at').execute();
  await db.schema.alterTable('feedback_sessions').addColumn('verify_evidence', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('feedback_sessions').dropColumn('verify_evidence').execute();
  await db.schema.dropTable('verify_budget_entries').execute();
}
