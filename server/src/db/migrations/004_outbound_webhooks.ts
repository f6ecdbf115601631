import type { Kysely } from 'kysely';

/**
 * Outbound webhooks to merchants' systems (Standard Webhooks): endpoints with encrypted secrets, an
 * outbox of events written in the same transaction as the business change, one delivery row per
 * (event, endpoint) — the source of truth whichever queue backend runs it — and every attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('event_types', 'text', (c) => c.notNull()) // JSON array
    .addColumn('ordered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    // During a rotation the previous secret keeps signing alongside the new one until it expires.
    .addColumn('previous_secret_enc', 'text')
    .addColumn('previous_secret_expires_at', 'text')
    .addColumn('circuit_state', 'text', (c) => c.notNull().defaultTo('closed'))
    .addColumn('circuit_changed_at', 'text')
    // Deleted endpoints stay as rows: their deliveries and attempts keep pointing at them.
    .addColumn('deleted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoints_business_idx').on('webhook_endpoints').columns(['business_id', 'id']).execute();

  await db.schema
    .createTable('webhook_outbox_events')
    .addColumn('id', 'text', (c) => c.primaryKey()) // sent as webhook-id
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull()) // the exact JSON body, so retries send identical bytes
    // Optional idempotency key: the same business fact never produces two events.
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_outbox_events_dedupe_uq').on('webhook_outbox_events').columns(['business_id', 'dedupe_key']).unique().execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_outbox_events.id'))
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id'))
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | in_flight | delivered | dead
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('replays', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered_at', 'text')
    .addColumn('dead_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_deliveries_event_endpoint_uq').on('webhook_deliveries').columns(['event_id', 'endpoint_id']).unique().execute();
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_endpoint_idx').on('webhook_deliveries').columns(['endpoint_id', 'status', 'id']).execute();
  await db.schema.createIndex('webhook_deliveries_business_idx').on('webhook_deliveries').columns(['business_id', 'status', 'id']).execute();

  await db.schema
    .createTable('webhook_delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('response_excerpt', 'text')
    .addColumn('error', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull()) // delivered | retry | dead
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_delivery_attempts_endpoint_idx').on('webhook_delivery_attempts').columns(['endpoint_id', 'id']).execute();
  await db.schema.createIndex('webhook_delivery_attempts_delivery_idx').on('webhook_delivery_attempts').columns(['delivery_id', 'attempt']).execute();
  // Inbound SLA stats read received_at windows per provider.
  await db.schema.createIndex('webhook_events_provider_time_idx').on('webhook_events').columns(['provider', 'received_at']).execute();
  await db.schema.createIndex('webhook_dead_letters_provider_time_idx').on('webhook_dead_letters').columns(['provider', 'received_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('webhook_dead_letters_provider_time_idx').execute();
  await db.schema.dropIndex('webhook_events_provider_time_idx').execute();
  for (const t of ['webhook_delivery_attempts', 'webhook_deliveries', 'webhook_outbox_events', 'webhook_endpoints']) await db.schema.dropTable(t).execute();
}
