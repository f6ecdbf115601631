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

export interface Database {
  businesses: BusinessesTable;
  locations: LocationsTable;
  pos_connections: PosConnectionsTable;
  webhook_events: WebhookEventsTable;
  webhook_dead_letters: WebhookDeadLettersTable;
  transactions: TransactionsTable;
  transaction_refunds: TransactionRefundsTable;
  jobs: JobsTable;
  audit_log: AuditLogTable;
}
