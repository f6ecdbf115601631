import type { Kysely } from 'kysely';

/**
 * POS API reconciliation and endpoint failover: encrypted API credentials per connection (separate
 * from the webhook signing key, which the provider issues independently), one row per reconciliation
 * run with its report, and every endpoint switch (automatic, manual or recovery).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pos_api_credentials')
    .addColumn('connection_id', 'text', (c) => c.primaryKey().references('pos_connections.id'))
    .addColumn('credentials_enc', 'text', (c) => c.notNull())
    .addColumn('access_token_expires_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('pos_reconciliation_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('pos_connections.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull()) // scheduled | manual
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // ok | failed
    .addColumn('checked', 'integer', (c) => c.notNull())
    .addColumn('missing', 'integer', (c) => c.notNull())
    .addColumn('mismatched', 'integer', (c) => c.notNull())
    .addColumn('repaired', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('error_details', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pos_reconciliation_runs_conn_idx').on('pos_reconciliation_runs').columns(['connection_id', 'started_at']).execute();

  await db.schema
    .createTable('pos_failover_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('from_endpoint', 'text', (c) => c.notNull())
    .addColumn('to_endpoint', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // automatic | manual | recovery
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pos_failover_events_provider_idx').on('pos_failover_events').columns(['provider', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pos_failover_events').execute();
  await db.schema.dropTable('pos_reconciliation_runs').execute();
  await db.schema.dropTable('pos_api_credentials').execute();
}
