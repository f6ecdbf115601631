import { LRUCache } from 'lru-cache';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database, JobsTable, WebhookEventsTable } from '../db/schema.js';
import { insertJob, newJobRow } from '../queue/job-rows.js';
import { prepared } from '../db/prepared.js';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { resolveConnection, type ResolvedConnection } from './connection-service.js';
import { getAdapter, isZettleTestMessage } from './providers/index.js';
import type { NormalisedEvent, PosProvider, RawWebhook } from './providers/types.js';

export const APPLY_EVENT_JOB = 'pos.apply_event';

export interface IngestResult {
  received: true;
  duplicate: boolean;
  eventId?: string;
  test?: boolean;
}

const EVENT_COLUMNS = ['id', 'connection_id', 'provider', 'event_id', 'event_type', 'status', 'effect', 'received_at', 'processed_at', 'error'] as const satisfies readonly (keyof WebhookEventsTable)[];
const insertEvent = prepared<WebhookEventsTable, { id: string }>(EVENT_COLUMNS, (db, row) =>
  db.insertInto('webhook_events').values(row).onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing()).returning('id'),
);

/** SQLite: event and job in the group committer's shared transaction. */
async function storeInTransaction(trx: Transaction<Database>, row: WebhookEventsTable, job: JobsTable, touchLastEvent: () => boolean): Promise<boolean> {
  const inserted = await insertEvent.execute(trx, row);
  if (inserted.rows.length === 0) return false;
  await insertJob(trx, job);
  if (touchLastEvent()) await writeLastEventAt(trx, row.connection_id, row.received_at);
  return true;
}

function writeLastEventAt(db: Kysely<Database>, connectionId: string, at: string): Promise<unknown> {
  return db.updateTable('pos_connections').set({ last_event_at: at }).where('id', '=', connectionId).execute();
}

/**
 * PostgreSQL: one autocommitted statement — the job is inserted only if the event was (data-modifying
 * CTE) — so a webhook costs one round trip instead of BEGIN, two inserts and COMMIT.
 */
async function storeInOneStatement(db: Kysely<Database>, row: WebhookEventsTable, job: JobsTable): Promise<boolean> {
  const columns = Object.keys(job) as (keyof JobsTable & string)[];
  const inserted = await db
    .with('e', (qb) => qb.insertInto('webhook_events').values(row).onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing()).returning('id'))
    .insertInto('jobs')
    .columns(columns)
    .expression((eb) => eb.selectFrom('e').select(columns.map((c) => typedValue(job[c]).as(c))))
    .returning('id')
    .execute();
  return inserted.length > 0;
}

/** A parameter in a SELECT list has no type PostgreSQL can infer from a column: say it. */
function typedValue(v: string | number | null): RawBuilder<unknown> {
  return typeof v === 'number' ? sql`${v}::integer` : sql`${v}::text`;
}

/**
 * Receipt is deliberately small: verify the signature over the raw bytes, parse, check the payload
 * belongs to this connection, then store the event and its follow-up job in one durable commit.
 * Applying it to transactions happens in the job, so a crash after the 2xx loses nothing.
 */
export class WebhookIngestor {
  // Connections are read on every webhook; a short TTL bounds staleness after an update on another instance.
  private readonly cache = new LRUCache<string, ResolvedConnection | false>({ max: 10_000, ttl: 15_000 });

  // When this instance last wrote pos_connections.last_event_at per connection (epoch ms).
  private readonly lastEventWritten = new LRUCache<string, number>({ max: 10_000 });

  constructor(private readonly ctx: AppContext) {}

  invalidate(connectionId: string): void {
    this.cache.delete(connectionId);
  }

  async ingest(provider: PosProvider, connectionId: string, raw: RawWebhook): Promise<IngestResult> {
    const conn = await this.connection(connectionId);
    if (!conn || conn.context.provider !== provider) throw this.reject(provider, 'unknown_connection', new AppError('not_found', 'Unknown POS connection.'));
    if (conn.status !== 'active') throw this.reject(provider, 'disabled', new AppError('connection_disabled'));
    if (provider === 'zettle' && isZettleTestMessage(raw.rawBody)) {
      this.count(provider, 'test_message');
      return { received: true, duplicate: false, test: true };
    }
    const adapter = getAdapter(provider);
    if (!adapter.verifySignature(raw, conn.context)) throw this.reject(provider, 'invalid_signature', new AppError('invalid_signature'));
    const parsed = adapter.parse(raw, conn.context);
    if (!parsed.ok) {
      await this.deadLetter(conn, raw, parsed.reason, parsed.details);
      throw this.reject(provider, 'invalid_payload', new AppError('invalid_payload', `Invalid payload: ${parsed.reason}`, parsed.details ?? null));
    }
    try {
      assertBelongsToConnection(parsed.event, conn);
    } catch (err) {
      throw err instanceof AppError ? this.reject(provider, 'merchant_mismatch', err) : err;
    }
    const unstorable = unstorableReason(parsed.event);
    if (unstorable) {
      await this.deadLetter(conn, raw, unstorable, undefined);
      throw this.reject(provider, 'invalid_payload', new AppError('invalid_payload', `Invalid payload: ${unstorable}`));
    }
    const inserted = await this.store(conn, parsed.event);
    if (inserted) this.ctx.queue.notify(APPLY_EVENT_JOB);
    this.count(provider, inserted ? 'accepted' : 'duplicate');
    return { received: true, duplicate: !inserted, eventId: parsed.event.eventId };
  }

  private async connection(id: string): Promise<ResolvedConnection | null> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached || null;
    const conn = /^[0-9a-f-]{36}$/.test(id) ? await resolveConnection(this.ctx.db, this.ctx.config.encryptionKey, id) : null;
    this.cache.set(id, conn ?? false);
    return conn;
  }

  private async store(conn: ResolvedConnection, event: NormalisedEvent): Promise<boolean> {
    const now = nowIso();
    const row = { id: newId(), connection_id: conn.id, provider: conn.context.provider, event_id: event.eventId, event_type: event.eventType, status: 'received', effect: JSON.stringify(event.effect), received_at: now, processed_at: null, error: null };
    const job = newJobRow(APPLY_EVENT_JOB, { eventRowId: row.id });
    // Asked only once an event was inserted: a duplicate must not use up the interval.
    const touch = () => this.shouldTouchLastEvent(conn.id);
    if (this.ctx.db.dialect !== 'postgres') return this.ctx.db.writer.run((trx) => storeInTransaction(trx, row, job, touch));
    const inserted = await storeInOneStatement(this.ctx.db.kysely, row, job);
    if (inserted && touch()) await writeLastEventAt(this.ctx.db.kysely, conn.id, now);
    return inserted;
  }

  /**
   * "Last event received" is for humans and health checks; updating the connection row on every
   * webhook made all events of a busy connection contend for one row. Once per interval is enough.
   */
  private shouldTouchLastEvent(connectionId: string): boolean {
    const now = Date.now();
    const last = this.lastEventWritten.get(connectionId);
    if (last !== undefined && now - last < LAST_EVENT_WRITE_INTERVAL_MS) return false;
    this.lastEventWritten.set(connectionId, now);
    return true;
  }

  private async deadLetter(conn: ResolvedConnection, raw: RawWebhook, reason: string, details: unknown): Promise<void> {
    const headers = Object.fromEntries(Object.entries(raw.headers).filter(([k]) => !/signature|hmac|authorization|cookie/i.test(k)));
    await this.ctx.db.writer.run((trx) =>
      trx
        .insertInto('webhook_dead_letters')
        .values({ id: newId(), connection_id: conn.id, provider: conn.context.provider, reason: reason.replaceAll('\u0000', '\uFFFD'), details: details === undefined ? null : JSON.stringify(details).slice(0, 10_000), headers: JSON.stringify(headers), body: raw.rawBody.toString('base64'), received_at: nowIso() })
        .execute(),
    );
  }

  private reject(provider: PosProvider, outcome: string, err: AppError): AppError {
    this.count(provider, outcome);
    return err;
  }

  private count(provider: PosProvider, outcome: string): void {
    this.ctx.metrics.webhookEvents.inc({ provider, outcome });
  }
}

const LAST_EVENT_WRITE_INTERVAL_MS = 10_000;
const MAX_KEY_LENGTH = 255;
// transactions.amount_minor / transaction_refunds.amount_minor are 32-bit integers on PostgreSQL.
const MAX_AMOUNT_MINOR = 2_147_483_647;

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}

/**
 * PostgreSQL text cannot hold NUL, a unique-index entry is limited to ~2.7 kB and amounts are int4:
 * such values would fail the insert (a 500 the provider retries for days) or the apply job
 * (retried until dead). Refuse them as invalid payloads instead, keeping a dead letter.
 */
function unstorableReason(event: NormalisedEvent): string | null {
  const { effect } = event;
  const keys = [event.eventId, event.eventType];
  if (effect.kind === 'sale') keys.push(effect.sale.externalId);
  if (effect.kind === 'refund') keys.push(effect.refund.externalRefundId, effect.refund.externalPaymentId);
  if (keys.some((k) => k.length > MAX_KEY_LENGTH)) return `an id or event type is longer than ${MAX_KEY_LENGTH} characters`;
  if (hasNul(event)) return 'payload contains NUL characters';
  const amount = effect.kind === 'sale' ? effect.sale.amountMinor : effect.kind === 'refund' ? effect.refund.amountMinor : 0;
  if (amount > MAX_AMOUNT_MINOR) return `amount ${amount} exceeds the largest storable amount (${MAX_AMOUNT_MINOR} minor units)`;
  return null;
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** 403 when the signed payload names another merchant or another location than the connection's. */
export function assertBelongsToConnection(event: NormalisedEvent, conn: ResolvedConnection): void {
  const expected = conn.context;
  if (!sameId(event.merchantId, expected.externalMerchantId)) {
    throw new AppError('merchant_mismatch', undefined, { expectedMerchant: expected.externalMerchantId, got: event.merchantId });
  }
  if (!expected.externalLocationId) return;
  const loc = event.locationId;
  const saleWithoutLocation = loc === null && event.effect.kind === 'sale';
  if ((loc !== null && loc !== expected.externalLocationId) || saleWithoutLocation) {
    throw new AppError('merchant_mismatch', 'The payload is for a different location than this connection.', { expectedLocation: expected.externalLocationId, got: loc });
  }
}
