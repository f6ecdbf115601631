import type { Kysely } from 'kysely';

/**
 * The feedback loop: per-business settings and questions, customer sessions with their conversation,
 * purchase claims (one reward per purchase, enforced by unique keys), the reward ledger, payouts,
 * fraud fingerprints and store-code claims awaiting the merchant's review.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('locations').addColumn('store_code', 'text').execute();
  // Transaction lists are ordered by sale time within a business.
  await db.schema.createIndex('transactions_business_time_idx').on('transactions').columns(['business_id', 'occurred_at', 'id']).execute();
  await db.schema.createIndex('locations_store_code_uq').on('locations').column('store_code').unique().execute();

  await db.schema
    .createTable('business_settings')
    .addColumn('business_id', 'text', (c) => c.primaryKey().references('businesses.id'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('business_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('business_questions_business_idx').on('business_questions').columns(['business_id', 'position']).execute();

  await db.schema
    .createTable('feedback_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('channel', 'text', (c) => c.notNull()) // qr | store_code
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    // One purchase, one session that may be rewarded: the unique key is the guard, not application code.
    .addColumn('transaction_id', 'text', (c) => c.unique().references('transactions.id'))
    .addColumn('purchase_amount_minor', 'integer')
    .addColumn('purchased_at', 'text')
    .addColumn('verified_at', 'text')
    .addColumn('verify_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('device_hash', 'text')
    .addColumn('ip_hash', 'text')
    .addColumn('phone_hash', 'text')
    .addColumn('phone_enc', 'text')
    .addColumn('follow_ups_asked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('score', 'integer')
    .addColumn('score_details', 'text')
    .addColumn('sentiment', 'real')
    .addColumn('categories', 'text')
    .addColumn('language', 'text')
    .addColumn('risk_score', 'integer')
    .addColumn('risk_details', 'text')
    .addColumn('scored_at', 'text')
    .addColumn('anonymised_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feedback_sessions_business_idx').on('feedback_sessions').columns(['business_id', 'id']).execute();
  await db.schema.createIndex('feedback_sessions_phone_idx').on('feedback_sessions').columns(['phone_hash', 'created_at']).execute();
  await db.schema.createIndex('feedback_sessions_device_idx').on('feedback_sessions').columns(['device_hash', 'created_at']).execute();
  await db.schema.createIndex('feedback_sessions_ip_idx').on('feedback_sessions').columns(['ip_hash', 'created_at']).execute();
  await db.schema.createIndex('feedback_sessions_status_idx').on('feedback_sessions').columns(['status', 'expires_at']).execute();

  await db.schema
    .createTable('feedback_turns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('feedback_sessions.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull()) // assistant | customer
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // text | voice | system
    .addColumn('question_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('feedback_turns_seq', ['session_id', 'seq'])
    .execute();

  await db.schema
    .createTable('text_fingerprints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('feedback_sessions.id'))
    .addColumn('kind', 'text', (c) => c.notNull()) // exact | band
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('text_fingerprints_key_idx').on('text_fingerprints').columns(['kind', 'key']).execute();
  await db.schema.createIndex('text_fingerprints_session_idx').on('text_fingerprints').column('session_id').execute();

  await db.schema
    .createTable('rewards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().unique().references('feedback_sessions.id'))
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('transaction_id', 'text', (c) => c.unique().references('transactions.id'))
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('bps', 'integer', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // held | approved | rejected | reversed | awaiting_verification
    .addColumn('phone_hash', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rewards_business_idx').on('rewards').columns(['business_id', 'created_at']).execute();
  await db.schema.createIndex('rewards_status_idx').on('rewards').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('txn_id', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('business_id', 'text')
    .addColumn('reward_id', 'text')
    .addColumn('payout_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_entries_account_idx').on('ledger_entries').columns(['account', 'created_at']).execute();
  await db.schema.createIndex('ledger_entries_business_idx').on('ledger_entries').columns(['business_id', 'created_at']).execute();
  // A reward is booked once and reversed at most once, whatever retries happen.
  await db.schema.createIndex('ledger_entries_once_idx').on('ledger_entries').columns(['txn_id', 'account']).unique().execute();

  await db.schema
    .createTable('payout_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull()) // open | paid
    .addColumn('total_minor', 'integer', (c) => c.notNull())
    .addColumn('payout_count', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'text')
    .execute();

  await db.schema
    .createTable('payouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('payout_batches.id'))
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('phone_enc', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | paid | failed
    .addColumn('provider_reference', 'text')
    .addColumn('paid_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('payouts_one_per_phone', ['batch_id', 'phone_hash'])
    .execute();

  await db.schema
    .createTable('store_claims')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().unique().references('feedback_sessions.id'))
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('purchased_at', 'text', (c) => c.notNull())
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | verified | rejected
    .addColumn('verified_amount_minor', 'integer')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('deadline_at', 'text', (c) => c.notNull())
    .addColumn('reminders_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('store_claims_business_idx').on('store_claims').columns(['business_id', 'status', 'deadline_at']).execute();
  // Duplicate guard from the original product: same phone + amount at one business within an hour.
  await db.schema.createIndex('store_claims_dup_idx').on('store_claims').columns(['business_id', 'phone_hash', 'amount_minor', 'purchased_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['store_claims', 'payouts', 'payout_batches', 'ledger_entries', 'rewards', 'text_fingerprints', 'feedback_turns', 'feedback_sessions', 'business_questions', 'business_settings']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.dropIndex('locations_store_code_uq').ifExists().execute();
  await db.schema.alterTable('locations').dropColumn('store_code').execute();
}
