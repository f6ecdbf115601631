import type { Kysely } from 'kysely';
import type { Database, JobsTable } from '../db/schema.js';
import { prepared } from '../db/prepared.js';
import { newId, nowIso } from '../core/ids.js';

export interface EnqueueOptions {
  runAt?: Date;
  maxAttempts?: number;
}

const JOB_COLUMNS = ['id', 'type', 'payload', 'status', 'attempts', 'max_attempts', 'run_at', 'locked_by', 'locked_until', 'last_error', 'created_at', 'updated_at'] as const satisfies readonly (keyof JobsTable)[];
const insertJobQuery = prepared<JobsTable, never>(JOB_COLUMNS, (db, row) => db.insertInto('jobs').values(row));

/** Inserts a job row (from `newJobRow`) with the statement compiled once. */
export async function insertJob(trx: Kysely<Database>, row: JobsTable): Promise<void> {
  await insertJobQuery.execute(trx, row);
}

/** A new pending job row; `enqueue` inserts it, callers writing it in a combined statement build it here. */
export function newJobRow(type: string, payload: unknown, opts: EnqueueOptions = {}): JobsTable {
  const now = nowIso();
  return {
    id: newId(),
    type,
    payload: JSON.stringify(payload),
    status: 'pending',
    attempts: 0,
    max_attempts: opts.maxAttempts ?? 10,
    run_at: (opts.runAt ?? new Date()).toISOString(),
    locked_by: null,
    locked_until: null,
    last_error: null,
    created_at: now,
    updated_at: now,
  };
}
