/**
 * The purchase-verification lookup, compiled with Kysely exactly as server/src/feedback/verify-service.ts
 * builds it (keep the two in step), explained on the seeded database — EXPLAIN QUERY PLAN on SQLite,
 * EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL — and timed directly (no HTTP) over many real purchases.
 */
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { DatabaseTarget } from '../../server/src/config/load.js';
import type { Database } from '../../server/src/db/schema.js';
import { newHistogram, latencyOf, type LatencyStats } from './load.js';

interface LookupParams {
  locationId: string;
  atMs: number;
  amountMinor: number;
}

const TIME_TOLERANCE_MS = 120_000;
const AMOUNT_TOLERANCE_MINOR = 50;
const MAX_AGE_DAYS = 14;

function compileLookup(kysely: Kysely<Database>, p: LookupParams) {
  const oldest = Date.now() - MAX_AGE_DAYS * 86_400_000;
  return kysely
    .selectFrom('transactions as t')
    .leftJoin('feedback_sessions as s', 's.transaction_id', 't.id')
    .select(['t.id', 't.amount_minor', 't.occurred_at', 't.card_last4', 't.status', 's.id as claimed_by'])
    .where('t.location_id', '=', p.locationId)
    .where('t.occurred_at', '>=', new Date(Math.max(p.atMs - TIME_TOLERANCE_MS, oldest)).toISOString())
    .where('t.occurred_at', '<=', new Date(p.atMs + TIME_TOLERANCE_MS).toISOString())
    .where('t.amount_minor', '>=', p.amountMinor - AMOUNT_TOLERANCE_MINOR)
    .where('t.amount_minor', '<=', p.amountMinor + AMOUNT_TOLERANCE_MINOR)
    .where('t.currency', '=', 'SEK')
    .limit(50)
    .compile();
}

export interface LookupReport {
  sql: string;
  plan: string[];
  directLookup: LatencyStats & { count: number; meanRows: number; unit: 'ms' };
}

const SAMPLE_SQL = `select location_id as "locationId", occurred_at as "occurredAt", amount_minor as "amountMinor" from transactions
  where occurred_at >= $1 order by random() limit $2`;

export async function explainLookup(database: DatabaseTarget, samples: number): Promise<LookupReport> {
  const since = new Date(Date.now() - 13 * 86_400_000).toISOString();
  const hist = newHistogram();
  let rows = 0;
  const toParams = (r: { locationId: string; occurredAt: string; amountMinor: number }): LookupParams => ({ locationId: r.locationId, atMs: Date.parse(r.occurredAt) + 30_000, amountMinor: r.amountMinor });

  if (database.kind === 'sqlite') {
    const raw = new SqliteDatabase(database.file, { readonly: true });
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
    try {
      const picks = raw.prepare(SAMPLE_SQL.replace('$1', '?').replace('$2', '?')).all(since, samples) as { locationId: string; occurredAt: string; amountMinor: number }[];
      const first = compileLookup(kysely, toParams(picks[0]!));
      const plan = (raw.prepare(`explain query plan ${first.sql}`).all(...(first.parameters as unknown[])) as { detail: string }[]).map((r) => r.detail);
      for (const pick of picks) {
        const q = compileLookup(kysely, toParams(pick));
        const t = performance.now();
        // The server prepares each statement per query (Kysely's SQLite driver); do the same.
        rows += raw.prepare(q.sql).all(...(q.parameters as unknown[])).length;
        hist.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
      }
      return { sql: first.sql, plan, directLookup: { ...latencyOf(hist), count: picks.length, meanRows: Math.round((rows / picks.length) * 10) / 10, unit: 'ms' } };
    } finally {
      await kysely.destroy();
    }
  }

  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const picks = (await pool.query<{ locationId: string; occurredAt: string; amountMinor: number }>(SAMPLE_SQL, [since, samples])).rows;
    const first = compileLookup(kysely, toParams(picks[0]!));
    const plan = (await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${first.sql}`, first.parameters as unknown[])).rows.map((r) => r['QUERY PLAN']);
    for (const pick of picks) {
      const q = compileLookup(kysely, toParams(pick));
      const t = performance.now();
      rows += (await pool.query(q.sql, q.parameters as unknown[])).rowCount ?? 0;
      hist.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
    }
    return { sql: first.sql, plan, directLookup: { ...latencyOf(hist), count: picks.length, meanRows: Math.round((rows / picks.length) * 10) / 10, unit: 'ms' } };
  } finally {
    await kysely.destroy();
  }
}
