/**
 * Bulk writers for the generator. SQLite: one better-sqlite3 prepared statement per table, run in a
 * loop inside one transaction per batch (synchronous=OFF while loading; the server reopens with FULL).
 * PostgreSQL: one INSERT … SELECT FROM unnest(arrays) per batch, then ANALYZE as autovacuum would.
 */
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget } from '../../server/src/config/load.js';

export interface TxRow {
  id: string;
  businessId: string;
  locationId: string;
  connectionId: string;
  provider: string;
  externalId: string;
  amountMinor: number;
  occurredAt: string;
  createdAt: string;
  cardLast4: string | null;
  lineItemCount: number;
  status: string;
  refundedMinor: number;
}

export interface RefundRow {
  id: string;
  connectionId: string;
  externalRefundId: string;
  externalPaymentId: string;
  amountMinor: number;
  occurredAt: string;
}

export interface FeedbackRow {
  id: string;
  businessId: string;
  locationId: string;
  transactionId: string;
  amountMinor: number;
  purchasedAt: string;
  createdAt: string;
  verifiedAt: string;
  scoredAt: string;
  expiresAt: string;
  score: number;
  sentiment: number;
  text: string;
  tokenHash: string;
  deviceHash: string;
  ipHash: string;
}

export interface Sink {
  insert(txs: TxRow[], refunds: RefundRow[]): Promise<void>;
  insertFeedback(rows: FeedbackRow[]): Promise<void>;
  finish(): Promise<void>;
}

const TX_COLUMNS = 'id, business_id, location_id, connection_id, provider, external_id, amount_minor, currency, occurred_at, card_last4, line_item_count, status, refunded_amount_minor, created_at, updated_at';
const REFUND_COLUMNS = 'id, connection_id, external_refund_id, external_payment_id, amount_minor, currency, status, occurred_at, created_at, updated_at';
const SESSION_COLUMNS =
  'id, business_id, location_id, channel, token_hash, status, locale, expires_at, transaction_id, purchase_amount_minor, purchased_at, verified_at, verify_attempts, device_hash, ip_hash, follow_ups_asked, score, score_details, sentiment, categories, language, risk_score, risk_details, scored_at, created_at, updated_at';
const TURN_COLUMNS = 'id, session_id, seq, role, text, source, question_id, created_at';

const txValues = (t: TxRow) => [t.id, t.businessId, t.locationId, t.connectionId, t.provider, t.externalId, t.amountMinor, 'SEK', t.occurredAt, t.cardLast4, t.lineItemCount, t.status, t.refundedMinor, t.createdAt, t.createdAt];
const refundValues = (r: RefundRow) => [r.id, r.connectionId, r.externalRefundId, r.externalPaymentId, r.amountMinor, 'SEK', 'COMPLETED', r.occurredAt, r.occurredAt, r.occurredAt];
const sessionValues = (f: FeedbackRow) => [
  f.id, f.businessId, f.locationId, 'qr', f.tokenHash, 'completed', 'sv', f.expiresAt, f.transactionId, f.amountMinor, f.purchasedAt, f.verifiedAt, 1, f.deviceHash, f.ipHash, 0,
  f.score, JSON.stringify({ provider: 'seed', reasons: [] }), f.sentiment, JSON.stringify(['service']), 'sv', 5, JSON.stringify({ hold: false }), f.scoredAt, f.createdAt, f.scoredAt,
];
const turnValues = (f: FeedbackRow, id: string) => [id, f.id, 1, 'customer', f.text, 'text', null, f.verifiedAt];

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const countColumns = (cols: string) => cols.split(',').length;

/**
 * Secondary indexes of the bulk-loaded tables are dropped while loading and recreated from their own
 * DDL afterwards (one sort instead of a million random B-tree inserts); the unique constraints stay,
 * so duplicates still fail. Nothing else may use the file meanwhile: the journal is off while loading.
 */
function sqliteSink(file: string): Sink {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144'); // 256 MiB while loading
  db.pragma('temp_store = MEMORY');
  const deferred = db
    .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ('transactions', 'transaction_refunds')`)
    .all() as { name: string; sql: string }[];
  for (const ix of deferred) db.exec(`drop index "${ix.name}"`);
  // One row per run(): measured faster with better-sqlite3 than 100-row VALUES lists (no big arrays to build).
  const insTx = db.prepare(`insert into transactions (${TX_COLUMNS}) values (${placeholders(countColumns(TX_COLUMNS))})`);
  const insRefund = db.prepare(`insert into transaction_refunds (${REFUND_COLUMNS}) values (${placeholders(countColumns(REFUND_COLUMNS))})`);
  const insSession = db.prepare(`insert into feedback_sessions (${SESSION_COLUMNS}) values (${placeholders(countColumns(SESSION_COLUMNS))})`);
  const insTurn = db.prepare(`insert into feedback_turns (${TURN_COLUMNS}) values (${placeholders(countColumns(TURN_COLUMNS))})`);
  const batch = db.transaction((txs: TxRow[], refunds: RefundRow[]) => {
    for (const t of txs) insTx.run(txValues(t));
    for (const r of refunds) insRefund.run(refundValues(r));
  });
  const feedback = db.transaction((rows: FeedbackRow[], turnIds: string[]) => {
    rows.forEach((f, i) => {
      insSession.run(sessionValues(f));
      insTurn.run(turnValues(f, turnIds[i]!));
    });
  });
  return {
    async insert(txs, refunds) {
      batch(txs, refunds);
    },
    async insertFeedback(rows) {
      const { newId } = await import('../../server/src/core/ids.js');
      feedback(rows, rows.map(() => newId()));
    },
    async finish() {
      for (const ix of deferred) db.exec(ix.sql);
      db.pragma('journal_mode = WAL');
      db.close();
    },
  };
}

/** `insert into t (cols) select * from unnest($1::text[], $2::int[], …)`: one round trip per batch. */
async function unnestInsert(client: pg.Client, table: string, columns: string, types: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const arrays = types.map((_, c) => rows.map((r) => r[c]));
  const params = types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  await client.query(`insert into ${table} (${columns}) select * from unnest(${params})`, arrays);
}

const T = 'text';
const I = 'int';
const TX_TYPES = [T, T, T, T, T, T, I, T, T, T, I, T, I, T, T];
const REFUND_TYPES = [T, T, T, T, I, T, T, T, T, T];
const SESSION_TYPES = [T, T, T, T, T, T, T, T, T, I, T, T, I, T, T, I, I, T, 'float8', T, T, I, T, T, T, T];
const TURN_TYPES = [T, T, I, T, T, T, T, T];

async function postgresSink(url: string): Promise<Sink> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  const chunk = 10_000;
  return {
    async insert(txs, refunds) {
      await client.query('begin');
      for (let i = 0; i < txs.length; i += chunk) await unnestInsert(client, 'transactions', TX_COLUMNS, TX_TYPES, txs.slice(i, i + chunk).map(txValues));
      await unnestInsert(client, 'transaction_refunds', REFUND_COLUMNS, REFUND_TYPES, refunds.map(refundValues));
      await client.query('commit');
    },
    async insertFeedback(rows) {
      const { newId } = await import('../../server/src/core/ids.js');
      await client.query('begin');
      for (let i = 0; i < rows.length; i += chunk) {
        const part = rows.slice(i, i + chunk);
        await unnestInsert(client, 'feedback_sessions', SESSION_COLUMNS, SESSION_TYPES, part.map(sessionValues));
        await unnestInsert(client, 'feedback_turns', TURN_COLUMNS, TURN_TYPES, part.map((f) => turnValues(f, newId())));
      }
      await client.query('commit');
    },
    async finish() {
      await client.query('analyze');
      await client.end();
    },
  };
}

export async function openSink(target: DatabaseTarget): Promise<Sink> {
  return target.kind === 'sqlite' ? sqliteSink(target.file) : postgresSink(target.url);
}
