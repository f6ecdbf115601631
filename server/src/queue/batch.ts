import type { Transaction } from 'kysely';
import { prepared } from '../db/prepared.js';
import { savepoint } from '../db/savepoints.js';
import type { Database, JobsTable } from '../db/schema.js';

/**
 * A job handler that does its work inside a transaction the queue owns: the queue can then apply
 * many due jobs of the type in one transaction (one claim, one commit) and mark each done in the
 * same transaction as its effects, so a crash can never leave work applied but the job pending.
 */
export type TrxJobHandler = (trx: Transaction<Database>, payload: unknown, ctx: { jobId: string; attempt: number }) => Promise<void>;

export interface BatchOutcome {
  job: JobsTable;
  error: unknown;
}

/**
 * Runs each job of a batch in its own SAVEPOINT of `trx`: a job that throws (a poison event) rolls
 * back only its own work and is returned for failure accounting, while its batch-mates commit.
 * A job whose lease this worker no longer holds is rolled back too (another worker owns it now).
 */
export async function applyBatchInSavepoints(trx: Transaction<Database>, jobs: JobsTable[], handler: TrxJobHandler, workerId: string, doneAt: string): Promise<BatchOutcome[]> {
  const failed: BatchOutcome[] = [];
  for (const [i, job] of jobs.entries()) {
    const sp = savepoint('qjob', i);
    await trx.executeQuery(sp.open);
    try {
      await handler(trx, JSON.parse(job.payload), { jobId: job.id, attempt: job.attempts });
      if (!(await markDone(trx, job, workerId, doneAt))) throw new LeaseLostError(job.id);
      await trx.executeQuery(sp.release);
    } catch (error) {
      await trx.executeQuery(sp.rollback);
      await trx.executeQuery(sp.release);
      failed.push({ job, error });
    }
  }
  return failed;
}

/** Marks one job done inside the caller's transaction; false if this worker no longer holds its lease. */
export async function markDone(trx: Transaction<Database>, job: JobsTable, workerId: string, doneAt: string): Promise<boolean> {
  const res = await markDoneQuery.execute(trx, { id: job.id, workerId, doneAt });
  return Number(res.numAffectedRows) === 1;
}

const markDoneQuery = prepared<{ id: string; workerId: string; doneAt: string }, never>(['id', 'workerId', 'doneAt'], (db, p) =>
  db
    .updateTable('jobs')
    .set({ status: 'done', last_error: null, locked_by: null, locked_until: null, updated_at: p.doneAt })
    .where('id', '=', p.id)
    .where('locked_by', '=', p.workerId)
    .where('status', '=', 'running'),
);

/** The lease expired and another worker may have the job: its work here is rolled back and not retried by us. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(jobId: string) {
    super(`lease on job ${jobId} was lost`);
  }
}
