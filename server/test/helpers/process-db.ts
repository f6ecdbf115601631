import { sql } from 'kysely';
import { openDatabase, type Db } from '../../src/db/database.js';

// One scratch-database helper for in-process and process tests.
export { createScratchPostgres } from './platform.js';

/** The test's own connection to the server's database (SQLite file or PostgreSQL URL), for read-back. */
export function openInspector(databaseUrl: string): Db {
  return openDatabase(databaseUrl.startsWith('postgres') ? { kind: 'postgres', url: databaseUrl } : { kind: 'sqlite', file: databaseUrl }, { poolSize: 2 });
}

/**
 * Test-only instrumentation: a trigger records every claim of a job (pending → running) with the
 * claiming worker, because the queue clears `locked_by` when a job finishes. Installed after the
 * first start has migrated the database; the servers never read this table.
 */
export async function installClaimRecorder(db: Db): Promise<void> {
  if (db.dialect === 'sqlite') {
    await sql`create table if not exists zz_test_job_claims (job_id text not null, type text not null, locked_by text, claimed_at text not null, attempt integer)`.execute(db.kysely);
    await sql`create trigger if not exists zz_test_job_claim after update of status on jobs
      when new.status = 'running' and old.status <> 'running'
      begin insert into zz_test_job_claims values (new.id, new.type, new.locked_by, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), new.attempts); end`.execute(db.kysely);
    // Outbound deliveries are claimed pending → in_flight on their own row, whichever queue runs them.
    await sql`create trigger if not exists zz_test_delivery_claim after update of status on webhook_deliveries
      when new.status = 'in_flight' and old.status <> 'in_flight'
      begin insert into zz_test_job_claims values (new.id, ${sql.lit(DELIVERY_CLAIM)}, new.locked_by, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), null); end`.execute(db.kysely);
    return;
  }
  await sql`create table if not exists zz_test_job_claims (job_id text not null, type text not null, locked_by text, claimed_at timestamptz not null default now(), attempt integer)`.execute(db.kysely);
  await sql`create or replace function zz_test_record_claim() returns trigger language plpgsql as $$
    begin
      if new.status = 'running' and old.status <> 'running' then
        insert into zz_test_job_claims (job_id, type, locked_by, attempt) values (new.id, new.type, new.locked_by, new.attempts);
      end if;
      return new;
    end $$`.execute(db.kysely);
  await sql`create trigger zz_test_job_claim after update of status on jobs for each row execute function zz_test_record_claim()`.execute(db.kysely);
  await sql.raw(`create or replace function zz_test_record_delivery_claim() returns trigger language plpgsql as $$
    begin
      if new.status = 'in_flight' and old.status <> 'in_flight' then
        insert into zz_test_job_claims (job_id, type, locked_by) values (new.id, '${DELIVERY_CLAIM}', new.locked_by);
      end if;
      return new;
    end $$`).execute(db.kysely);
  await sql`create trigger zz_test_delivery_claim after update of status on webhook_deliveries for each row execute function zz_test_record_delivery_claim()`.execute(db.kysely);
}

/** The claim-recorder type under which outbound delivery claims are kept. */
export const DELIVERY_CLAIM = 'outbound.delivery';

export interface JobClaim {
  job_id: string;
  type: string;
  locked_by: string | null;
  /** The job's attempt number at the claim (null for outbound deliveries). A retry has a higher one. */
  attempt: number | null;
}

export async function readClaims(db: Db, type: string): Promise<JobClaim[]> {
  const { rows } = await sql<JobClaim>`select job_id, type, locked_by, attempt from zz_test_job_claims where type = ${type}`.execute(db.kysely);
  return rows;
}

/** Waits until no job of `type` is pending or running; resolves the final status counts. */
export async function waitForJobsToSettle(db: Db, type: string, timeoutMs: number): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let counts: Record<string, number> = {};
  while (Date.now() < deadline) {
    const rows = await db.kysely.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('type', '=', type).groupBy('status').execute();
    counts = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    if (!counts.pending && !counts.running) return counts;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { ...counts, timedOut: 1 };
}
