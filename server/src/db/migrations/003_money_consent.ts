import { sql, type Kysely } from 'kysely';

/**
 * Money and consent gaps of the feedback loop: the customer's explicit GDPR consent on each session,
 * business trials (existing businesses are grandfathered as activated), the connected payout account
 * of a customer (Stripe Connect Express), why a payout failed, and a record of every store-review
 * reminder mail so each one is sent once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('feedback_sessions').addColumn('consent_version', 'text').execute();
  await db.schema.alterTable('feedback_sessions').addColumn('consented_at', 'text').execute();
  await db.schema.alterTable('payouts').addColumn('failure_reason', 'text').execute();

  await db.schema
    .createTable('business_trials')
    .addColumn('business_id', 'text', (c) => c.primaryKey().references('businesses.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('max_feedbacks', 'integer', (c) => c.notNull())
    .addColumn('activated_at', 'text')
    .addColumn('activated_by', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Businesses that existed before trials were introduced already operate on the paid plan.
  const now = new Date().toISOString();
  await sql`insert into business_trials (business_id, started_at, ends_at, max_feedbacks, activated_at, activated_by, updated_at)
            select id, created_at, created_at, 0, ${now}, 'system:migration', ${now} from businesses`.execute(db);

  await db.schema
    .createTable('payout_accounts')
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull()) // stripe-connect
    .addColumn('account_ref', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('payout_accounts_pk', ['phone_hash', 'provider'])
    .execute();

  await db.schema
    .createTable('store_review_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('claim_id', 'text', (c) => c.notNull().references('store_claims.id'))
    .addColumn('days_before', 'integer', (c) => c.notNull())
    .addColumn('sent_to', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('store_review_reminders_once', ['claim_id', 'days_before'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['store_review_reminders', 'payout_accounts', 'business_trials']) await db.schema.dropTable(t).ifExists().execute();
  await db.schema.alterTable('payouts').dropColumn('failure_reason').execute();
  await db.schema.alterTable('feedback_sessions').dropColumn('consented_at').execute();
  await db.schema.alterTable('feedback_sessions').dropColumn('consent_version').execute();
}
