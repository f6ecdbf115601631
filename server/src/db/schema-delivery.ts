/** Outbound webhooks (migration 004). */
export interface WebhookEndpointsTable {
  id: string;
  business_id: string;
  url: string;
  description: string;
  event_types: string; // JSON array of event types
  ordered: number; // 0 | 1
  enabled: number; // 0 | 1
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: string | null;
  circuit_state: string; // closed | open | half_open (last seen by any instance)
  circuit_changed_at: string | null;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookOutboxEventsTable {
  id: string;
  business_id: string;
  type: string;
  payload: string;
  dedupe_key: string | null;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  business_id: string;
  event_type: string;
  status: string; // pending | in_flight | delivered | dead
  attempts: number;
  next_attempt_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  replays: number;
  delivered_at: string | null;
  dead_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  endpoint_id: string;
  attempt: number;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
  outcome: string; // delivered | retry | dead
  created_at: string;
}
