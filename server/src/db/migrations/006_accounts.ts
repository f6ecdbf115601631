import { sql, type Kysely } from 'kysely';

/**
 * Accounts and the admin console: users (operators and business users), memberships, server-side browser
 * sessions, single-use invitation and password-reset tokens (stored hashed), login attempts for the rate
 * limit, business approval, bans with appeals, score overrides, and the indexes the dashboard reads need.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Stored lower-cased, so the unique key makes e-mail case-insensitive on both backends.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull()) // admin | business
    .addColumn('status', 'text', (c) => c.notNull()) // active | disabled
    .addColumn('last_login_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('role', 'text', (c) => c.notNull()) // owner | staff
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'business_id'])
    .execute();
  await db.schema.createIndex('memberships_business_idx').on('memberships').columns(['business_id', 'role']).execute();

  await db.schema
    .createTable('auth_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('absolute_expires_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_sessions_user_idx').on('auth_sessions').column('user_id').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invitations_business_idx').on('invitations').columns(['business_id', 'created_at']).execute();

  await db.schema
    .createTable('password_resets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('password_resets_user_idx').on('password_resets').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('login_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull()) // account:<email> | ip:<ip>
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_attempts_key_idx').on('login_attempts').columns(['key', 'created_at']).execute();

  await db.schema.alterTable('businesses').addColumn('approval_status', 'text', (c) => c.notNull().defaultTo('pending')).execute();
  await db.schema.alterTable('businesses').addColumn('approved_at', 'text').execute();
  await db.schema.alterTable('businesses').addColumn('approved_by', 'text').execute();
  // Businesses that existed before approvals were introduced were already live: keep them so.
  await sql`update businesses set approval_status = 'approved', approved_at = created_at, approved_by = 'migration:006'`.execute(db);

  await db.schema
    .createTable('bans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // phone | device | ip
    .addColumn('value_hash', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // active | lifted
    .addColumn('expires_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('lifted_at', 'text')
    .addColumn('lifted_by', 'text')
    .execute();
  await db.schema.createIndex('bans_value_idx').on('bans').columns(['kind', 'value_hash', 'status']).execute();

  await db.schema
    .createTable('ban_appeals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ban_id', 'text', (c) => c.references('bans.id'))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('contact_enc', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // pending | upheld | lifted
    .addColumn('decision_reason', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('ip_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ban_appeals_status_idx').on('ban_appeals').columns(['status', 'id']).execute();

  await db.schema
    .createTable('score_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('feedback_sessions.id'))
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('previous_score', 'integer')
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('score_overrides_session_idx').on('score_overrides').columns(['session_id', 'created_at']).execute();

  // Dashboard reads: released feedback of one business by time (keyset pages, day/hour aggregates).
  await db.schema.createIndex('feedback_sessions_business_scored_idx').on('feedback_sessions').columns(['business_id', 'scored_at', 'id']).execute();
  // Covering index for the aggregates (overview, insights): no table lookups; `id` for the store-claim check.
  await db.schema.createIndex('feedback_sessions_dashboard_idx').on('feedback_sessions').columns(['business_id', 'scored_at', 'location_id', 'score', 'sentiment', 'channel', 'categories', 'id']).execute();
  await db.schema.createIndex('feedback_sessions_business_created_idx').on('feedback_sessions').columns(['business_id', 'created_at']).execute();
  // Live sessions: everything touched in the last 30 minutes.
  await db.schema.createIndex('feedback_sessions_updated_idx').on('feedback_sessions').column('updated_at').execute();
  // Cache stamp: the newest claim decision of a business.
  await db.schema.createIndex('store_claims_decided_idx').on('store_claims').columns(['business_id', 'decided_at']).execute();
  await db.schema.createIndex('feedback_turns_session_seq_idx').on('feedback_turns').columns(['session_id', 'seq']).execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor', 'id']).execute();
  await db.schema.createIndex('audit_log_target_idx').on('audit_log').columns(['target_type', 'target_id']).execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['score_overrides', 'ban_appeals', 'bans', 'login_attempts', 'password_resets', 'invitations', 'auth_sessions', 'memberships', 'users']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
