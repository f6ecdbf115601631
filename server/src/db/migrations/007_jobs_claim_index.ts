import type { Kysely } from 'kysely';

/**
 * Job claims ask for one type at a time (`status = 'pending' and type = ? and run_at <= now order by run_at`).
 * On (status, run_at) the claim of the general jobs had to walk past every pending job of the batched types
 * to find none: with a burst of 60 000 webhook apply jobs queued each claim took ~4 ms, a quarter of the
 * apply worker's time. With the type in the key a claim of one type reads at most `limit` index entries; a claim of
 * several types reads the due entries of those types only and sorts them. (status, …) still serves the depth count
 * and the lease reclaim.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('jobs_claim_idx').on('jobs').columns(['status', 'type', 'run_at']).execute();
  await db.schema.dropIndex('jobs_due_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['status', 'run_at']).execute();
  await db.schema.dropIndex('jobs_claim_idx').execute();
}
