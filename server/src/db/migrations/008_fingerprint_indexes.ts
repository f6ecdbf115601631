import type { Kysely } from 'kysely';

/**
 * The copied-feedback check reads, for up to 200 candidate sessions, each one's stored signature
 * (`kind = 'sig' and session_id in (…)`). On an index of session_id alone every candidate's ~34 fingerprint rows
 * were fetched from the table to find its one signature: 3.6 ms per finished conversation in the customer
 * benchmark, the most expensive statement of a pass. (session_id, kind) finds the signature directly and still
 * serves erasure and retention (`session_id in (…)`). The band and exact lookups (`kind = ? and key in (…)`) now
 * lead with the key, which is nearly unique, and carry session_id, so candidates come from the index alone; and
 * with no index leading with the 3-valued kind, the planner cannot pick "every signature" for the query above.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('text_fingerprints_session_kind_idx').on('text_fingerprints').columns(['session_id', 'kind']).execute();
  await db.schema.dropIndex('text_fingerprints_session_idx').execute();
  await db.schema.createIndex('text_fingerprints_key_kind_session_idx').on('text_fingerprints').columns(['key', 'kind', 'session_id']).execute();
  await db.schema.dropIndex('text_fingerprints_key_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('text_fingerprints_key_idx').on('text_fingerprints').columns(['kind', 'key']).execute();
  await db.schema.dropIndex('text_fingerprints_key_kind_session_idx').execute();
  await db.schema.createIndex('text_fingerprints_session_idx').on('text_fingerprints').column('session_id').execute();
  await db.schema.dropIndex('text_fingerprints_session_kind_idx').execute();
}
