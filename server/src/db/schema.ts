import type { Generated } from 'kysely';
import type { WebhookEndpointsTable, WebhookOutboxEventsTable, WebhookDeliveriesTable, WebhookDeliveryAttemptsTable } from './schema-delivery.js';
import type { PlatformSettingsTable, BusinessBillingTable, StatementPeriodsTable, PosConnectionProbationColumns } from './schema-billing.js';
import type { BusinessApprovalColumns, UsersTable, MembershipsTable, AuthSessionsTable, InvitationsTable, PasswordResetsTable, LoginAttemptsTable, BansTable, BanAppealsTable, ScoreOverridesTable } from './schema-accounts.js';

/** Kysely table types. Times are ISO-8601 UTC strings (same representation on SQLite and PostgreSQL). */
export interface BusinessesTable {
  id: string;
  name: string;
  org_number: string;
  business_type: string;
  email: string;
  status: string; // active | disabled
  created_at: string;
  updated_at: string;
}

export interface LocationsTable {
  id: string;
  business_id: string;
  name: string;
  address: string;
  qr_token: string;
  store_code: string | null;
  status: string; // active | disabled
  created_at: string;
  updated_at: string;
}

export interface PosConnectionsTable {
  id: string;
  business_id: string;
  location_id: string;
  provider: string;
  external_merchant_id: string;
  external_location_id: string | null;
  signing_key_enc: string;
  webhook_url: string;
  status: string; // active | disabled
  last_event_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookEventsTable {
  id: string;
  connection_id: string;
  provider: string;
  event_id: string;
  event_type: string;
  status: string; // received | processed | ignored | failed
  effect: string; // JSON of the normalised effect
  received_at: string;
  processed_at: string | null;
  error: string | null;
}

export interface WebhookDeadLettersTable {
  id: string;
  connection_id: string;
  provider: string;
  reason: string;
  details: string | null;
  headers: string;
  body: string; // raw body, base64
  received_at: string;
}

export interface TransactionsTable {
  id: string;
  business_id: string;
  location_id: string;
  connection_id: string;
  provider: string;
  external_id: string;
  amount_minor: number;
  currency: string;
  occurred_at: string;
  card_last4: string | null;
  line_item_count: number | null;
  status: string; // completed | partially_refunded | refunded
  refunded_amount_minor: number;
  created_at: string;
  updated_at: string;
}

export interface TransactionRefundsTable {
  id: string;
  connection_id: string;
  external_refund_id: string;
  external_payment_id: string;
  amount_minor: number;
  currency: string;
  status: string; // pending | completed | failed
  occurred_at: string;
  created_at: string;
  updated_at: string;
}

/** Migration 005: POS API credentials (encrypted JSON), reconciliation reports, endpoint failovers. */
export interface PosApiCredentialsTable {
  connection_id: string;
  credentials_enc: string;
  access_token_expires_at: string | null;
  updated_at: string;
}

export interface PosReconciliationRunsTable {
  id: string;
  connection_id: string;
  provider: string;
  trigger: string;
  window_start: string;
  window_end: string;
  status: string;
  checked: number;
  missing: number;
  mismatched: number;
  repaired: number;
  errors: number;
  error_details: string | null;
  started_at: string;
  finished_at: string;
}

export interface PosFailoverEventsTable {
  id: string;
  provider: string;
  from_endpoint: string;
  to_endpoint: string;
  kind: string;
  reason: string;
  actor: string;
  created_at: string;
}

export interface JobsTable {
  id: string;
  type: string;
  payload: string;
  status: string; // pending | running | done | dead
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  details: string | null;
  ip: string | null;
  created_at: string;
}

export interface BusinessSettingsTable {
  business_id: string;
  settings: string; // JSON, validated by ZBusinessSettings
  updated_at: string;
}

export interface BusinessQuestionsTable {
  id: string;
  business_id: string;
  text: string;
  active: number;
  position: number;
  created_at: string;
}

export interface FeedbackSessionsTable {
  id: string;
  business_id: string;
  location_id: string;
  channel: string; // qr | store_code
  token_hash: string;
  status: string;
  locale: string;
  expires_at: string;
  transaction_id: string | null;
  purchase_amount_minor: number | null;
  purchased_at: string | null;
  verified_at: string | null;
  verify_attempts: Generated<number>;
  device_hash: string | null;
  ip_hash: string | null;
  phone_hash: string | null;
  phone_enc: string | null;
  follow_ups_asked: Generated<number>;
  score: number | null;
  score_details: string | null;
  sentiment: number | null;
  categories: string | null;
  language: string | null;
  risk_score: number | null;
  risk_details: string | null;
  scored_at: string | null;
  anonymised_at: string | null;
  /** Migration 003: the consent text version the customer accepted, and when. */
  consent_version?: string | null;
  consented_at?: string | null;
  /** Migration 009: misses before the purchase was claimed (JSON {failures, locationUnderAttack}), for the fraud check. */
  verify_evidence?: string | null;
  created_at: string;
  updated_at: string;
}

export interface FeedbackTurnsTable {
  id: string;
  session_id: string;
  seq: number;
  role: string;
  text: string;
  source: string;
  question_id: string | null;
  created_at: string;
}

export interface TextFingerprintsTable {
  id: string;
  session_id: string;
  kind: string;
  key: string;
  created_at: string;
}

export interface RewardsTable {
  id: string;
  session_id: string;
  business_id: string;
  transaction_id: string | null;
  amount_minor: number;
  bps: number;
  tier: string;
  status: string;
  phone_hash: string | null;
  details: string;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface LedgerEntriesTable {
  id: string;
  txn_id: string;
  account: string;
  amount_minor: number;
  kind: string;
  business_id: string | null;
  reward_id: string | null;
  payout_id: string | null;
  created_at: string;
}

export interface PayoutBatchesTable {
  id: string;
  status: string;
  total_minor: number;
  payout_count: number;
  created_by: string;
  created_at: string;
  paid_at: string | null;
}

export interface PayoutsTable {
  id: string;
  batch_id: string;
  phone_hash: string;
  phone_enc: string;
  amount_minor: number;
  status: string;
  provider_reference: string | null;
  paid_at: string | null;
  created_at: string;
  /** Migration 003. */
  failure_reason?: string | null;
}

export interface StoreClaimsTable {
  id: string;
  session_id: string;
  business_id: string;
  location_id: string;
  amount_minor: number;
  purchased_at: string;
  phone_hash: string;
  status: string;
  verified_amount_minor: number | null;
  decided_by: string | null;
  decided_at: string | null;
  deadline_at: string;
  reminders_sent: Generated<number>;
  created_at: string;
}

/** Migration 003: trial of a business (no row = trial from the business's creation with platform defaults). */
export interface BusinessTrialsTable {
  business_id: string;
  started_at: string;
  ends_at: string;
  max_feedbacks: number;
  activated_at: string | null;
  activated_by: string | null;
  updated_at: string;
}

export interface PayoutAccountsTable {
  phone_hash: string;
  provider: string;
  account_ref: string;
  created_at: string;
  updated_at: string;
}

export interface StoreReviewRemindersTable {
  id: string;
  business_id: string;
  claim_id: string;
  days_before: number;
  sent_to: string;
  sent_at: string;
}


export interface Database {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_outbox_events: WebhookOutboxEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  business_trials: BusinessTrialsTable;
  payout_accounts: PayoutAccountsTable;
  store_review_reminders: StoreReviewRemindersTable;
  business_settings: BusinessSettingsTable;
  business_questions: BusinessQuestionsTable;
  feedback_sessions: FeedbackSessionsTable;
  feedback_turns: FeedbackTurnsTable;
  text_fingerprints: TextFingerprintsTable;
  rewards: RewardsTable;
  ledger_entries: LedgerEntriesTable;
  payout_batches: PayoutBatchesTable;
  payouts: PayoutsTable;
  store_claims: StoreClaimsTable;
  businesses: BusinessesTable & BusinessApprovalColumns;
  users: UsersTable;
  memberships: MembershipsTable;
  auth_sessions: AuthSessionsTable;
  invitations: InvitationsTable;
  password_resets: PasswordResetsTable;
  login_attempts: LoginAttemptsTable;
  bans: BansTable;
  ban_appeals: BanAppealsTable;
  score_overrides: ScoreOverridesTable;
  locations: LocationsTable;
  pos_connections: PosConnectionsTable & PosConnectionProbationColumns;
  webhook_events: WebhookEventsTable;
  webhook_dead_letters: WebhookDeadLettersTable;
  transactions: TransactionsTable;
  transaction_refunds: TransactionRefundsTable;
  pos_api_credentials: PosApiCredentialsTable;
  pos_reconciliation_runs: PosReconciliationRunsTable;
  pos_failover_events: PosFailoverEventsTable;
  jobs: JobsTable;
  audit_log: AuditLogTable;
  platform_settings: PlatformSettingsTable;
  business_billing: BusinessBillingTable;
  statement_periods: StatementPeriodsTable;
  verify_budget_entries: VerifyBudgetEntriesTable;
}

/** Migration 010: purchase-verification failure budgets (feedback/verify-budget.ts). */
export interface VerifyBudgetEntriesTable {
  id: string;
  key: string;
  kind: string; // miss | hit
  created_at: string;
}

export type * from './schema-delivery.js';
export type * from './schema-accounts.js';
