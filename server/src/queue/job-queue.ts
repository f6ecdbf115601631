import { hostname } from 'node:os';
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database, JobsTable } from '../db/schema.js';
import { newId, nowIso } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { computeBackoffMs } from './backoff.js';
import { insertJob, newJobRow, type EnqueueOptions } from './job-rows.js';
import { applyBatchInSavepoints, LeaseLostError, type BatchOutcome, type TrxJobHandler } from './batch.js';

export type { TrxJobHandler } from './batch.js';
export { insertJob, newJobRow, type EnqueueOptions } from './job-rows.js';

export type JobHandler = (payload: unknown, ctx: { jobId: string; attempt: number }) => Promise<void>;

/** Thrown by a handler when retrying cannot help: the job goes straight to dead. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface QueueOptions {
  pollIntervalMs: number;
  concurrency: number;
  lockMs?: number;
}

export interface QueueDepth {
  /** Due now and waiting for a worker: the backlog. */
  pending: number;
  /** Pending but due later (retry backoff, scheduled jobs such as the weekly payout batch). */
  scheduled: number;
  running: number;
  dead: number;
}

/**
 * Durable job queue kept in the primary database: a job is enqueued in the same transaction as the
 * data it is about, so an acknowledged request never loses its follow-up work. Workers claim due
 * jobs with a lease (`locked_until`); a crashed worker's jobs become due again when the lease ends.
 * On PostgreSQL claims use FOR UPDATE SKIP LOCKED so several instances share the work.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly batched = new Map<string, { handler: TrxJobHandler; maxBatch: number }>();
  private readonly workerId = `${hostname()}:${process.pid}:${newId().slice(-6)}`;
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private ticking = false;
  private wakeRequested = false;
  private lastSweep = 0;
  // When each kind of claim is next worth a query: 0 = now (woken for it, or its last claim came back full).
  private readonly claimDueAt = new Map<string, number>();
  private busy: (() => boolean) | null = null;
  private batchesInFlight = 0;
  private nextBatchAt = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: QueueOptions,
  ) {}

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  /**
   * Register a handler that works inside the queue's transaction. Due jobs of the type are claimed up
   * to `maxBatch` at a time and applied in one transaction, each in its own savepoint and marked done
   * in it: one commit per batch instead of two per job, and a failing job only fails itself.
   */
  registerBatched(type: string, handler: TrxJobHandler, opts: { maxBatch?: number } = {}): void {
    this.batched.set(type, { handler, maxBatch: Math.max(1, opts.maxBatch ?? 50) });
  }

  /** Insert a job inside the caller's transaction. Call `notify()` after the commit. */
  async enqueue(trx: Transaction<Database>, type: string, payload: unknown, opts: EnqueueOptions = {}): Promise<string> {
    const row = newJobRow(type, payload, opts);
    await insertJob(trx, row);
    return row.id;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * While `busy()` is true (requests are being served) batched work yields: one batch at a time, and after
   * each a pause of twice its duration, so the worker takes at most a third of the CPU from the requests.
   * Webhook receipt stays fast under a burst and the backlog is applied right after it.
   */
  yieldWhile(busy: () => boolean): void {
    this.busy = busy;
  }

  /** Wake the worker now instead of at the next poll; with a type, only that type's claim is woken. */
  notify(type?: string): void {
    if (this.stopped) return;
    if (type === undefined) this.claimDueAt.clear();
    else this.claimDueAt.set(this.batched.has(type) ? type : GENERAL, 0);
    if (this.ticking) this.wakeRequested = true;
    else this.schedule(0);
  }

  /** Stop claiming and wait for jobs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A tick already past its `stopped` check may still claim: let it finish so no job is claimed after stop.
    while (this.ticking) await new Promise((r) => setTimeout(r, 5));
    await Promise.allSettled([...this.running]);
  }

  async depth(): Promise<QueueDepth> {
    const now = nowIso();
    const rows = await this.db.kysely
      .selectFrom('jobs')
      .select((eb) => [eb.case().when(eb.and([eb('status', '=', 'pending'), eb('run_at', '>', now)])).then('scheduled').else(eb.ref('status')).end().as('state'), eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['pending', 'running', 'dead'])
      .groupBy('state')
      .execute();
    const by = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    return { pending: by.pending ?? 0, scheduled: by.scheduled ?? 0, running: by.running ?? 0, dead: by.dead ?? 0 };
  }

  /** Run until nothing this worker can run is due (tests and CLI); resolves false on timeout. */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const types = this.knownTypes();
    while (Date.now() < deadline) {
      const due = await this.db.kysely
        .selectFrom('jobs')
        .select('id')
        .where((eb) => eb.or([eb('status', '=', 'running'), eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nowIso()), eb('type', 'in', types)])]))
        .limit(1)
        .execute();
      if (due.length === 0 && this.running.size === 0) return true;
      this.notify();
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.ticking) return;
    this.ticking = true;
    let claimed = 0;
    let nextMs = this.opts.pollIntervalMs;
    try {
      await this.maybeSweep();
      let free = this.opts.concurrency - this.running.size;
      // A batch takes one slot; the general claim below never takes batched types.
      for (const [type, { handler, maxBatch }] of this.batched) {
        if (free <= 0 || this.stopped) break;
        const yieldFor = this.yieldMs();
        if (yieldFor !== null) {
          nextMs = Math.min(nextMs, Math.max(1, yieldFor));
          break;
        }
        if (!this.claimDue(type)) continue;
        const jobs = await this.claim(maxBatch, [type]);
        this.claimed(type, jobs.length, maxBatch);
        if (jobs.length === 0) continue;
        claimed += jobs.length;
        free -= 1;
        this.track(this.executeBatch(jobs, handler));
      }
      if (free > 0 && !this.stopped && this.handlers.size > 0 && this.claimDue(GENERAL)) {
        const jobs = await this.claim(free, [...this.handlers.keys()]);
        this.claimed(GENERAL, jobs.length, free);
        claimed += jobs.length;
        for (const job of jobs) this.track(this.execute(job));
      }
    } catch (err) {
      this.log.error({ err }, 'job queue tick failed');
    } finally {
      this.ticking = false;
      const again = this.wakeRequested || claimed > 0;
      this.wakeRequested = false;
      this.schedule(again ? 0 : nextMs);
    }
  }

  /** null: batched work may be claimed now; otherwise milliseconds to hold off while requests are served. */
  private yieldMs(): number | null {
    if (!this.busy?.()) return null;
    if (this.batchesInFlight > 0) return this.opts.pollIntervalMs;
    const wait = this.nextBatchAt - Date.now();
    return wait > 0 ? wait : null;
  }

  private claimDue(kind: string): boolean {
    return Date.now() >= (this.claimDueAt.get(kind) ?? 0);
  }

  /** A full claim means more may be due at once; a short one means nothing more until woken or polled. */
  private claimed(kind: string, got: number, limit: number): void {
    this.claimDueAt.set(kind, got >= limit ? 0 : Date.now() + this.opts.pollIntervalMs);
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => {
      this.running.delete(p);
      this.notify();
    });
  }

  /**
   * Claims due jobs of the given types, oldest first. Only types this worker has a handler for: a job of
   * a type it does not know (enqueued by a newer version during a rolling deploy) waits for a worker
   * that does, instead of failing. One index range read per type (jobs_claim_idx).
   */
  private claim(limit: number, types: string[]): Promise<JobsTable[]> {
    const now = nowIso();
    const lockedUntil = new Date(Date.now() + (this.opts.lockMs ?? 60_000)).toISOString();
    const pg = this.db.dialect === 'postgres';
    return this.db.writer.run((trx) =>
      trx
        .updateTable('jobs')
        .set((eb) => ({ status: 'running', locked_by: this.workerId, locked_until: lockedUntil, attempts: eb('attempts', '+', 1), updated_at: now }))
        .where('id', 'in', dueJobIds(trx, types, now, limit, pg))
        .returningAll()
        .execute(),
    );
  }

  private async execute(job: JobsTable): Promise<void> {
    const handler = this.handlers.get(job.type);
    try {
      if (!handler) throw new PermanentJobError(`No handler for job type ${job.type}`);
      await handler(JSON.parse(job.payload), { jobId: job.id, attempt: job.attempts });
      await this.finish(job, { status: 'done', last_error: null });
    } catch (err) {
      await this.recordFailure(job, err);
    }
  }

  /**
   * Applies a claimed batch in one transaction. If the transaction itself fails (commit error, lost
   * connection) nothing of it committed: fall back to one transaction per job so a poison job cannot
   * keep failing its batch-mates.
   */
  private async executeBatch(jobs: JobsTable[], handler: TrxJobHandler): Promise<void> {
    const started = Date.now();
    this.batchesInFlight += 1;
    try {
      await this.applyBatch(jobs, handler);
    } finally {
      this.batchesInFlight -= 1;
      this.nextBatchAt = Date.now() + 2 * (Date.now() - started);
    }
  }

  private async applyBatch(jobs: JobsTable[], handler: TrxJobHandler): Promise<void> {
    let failed: BatchOutcome[];
    try {
      failed = await this.db.writer.run((trx) => applyBatchInSavepoints(trx, jobs, handler, this.workerId, nowIso()));
    } catch (err) {
      if (jobs.length > 1) {
        this.log.warn({ err, jobs: jobs.length, type: jobs[0]!.type }, 'job batch failed; applying its jobs one by one');
        for (const job of jobs) await this.applyBatch([job], handler);
        return;
      }
      failed = [{ job: jobs[0]!, error: err }];
    }
    for (const { job, error } of failed) {
      if (error instanceof LeaseLostError) this.log.warn({ jobId: job.id }, error.message);
      // Two batches locking the same keys in opposite orders: PostgreSQL aborts one side. That is not the
      // job's fault, so it runs again at once on its own (one lock, no cycle) instead of waiting a backoff.
      else if (jobs.length > 1 && isTransientConflict(error)) await this.applyBatch([job], handler);
      else await this.recordFailure(job, error);
    }
  }

  private async recordFailure(job: JobsTable, err: unknown): Promise<void> {
    const permanent = err instanceof PermanentJobError;
    const dead = permanent || job.attempts >= job.max_attempts;
    const message = err instanceof Error ? err.message : String(err);
    this.log.warn({ jobId: job.id, type: job.type, attempt: job.attempts, dead, err: message }, 'job failed');
    const runAt = new Date(Date.now() + computeBackoffMs(job.attempts)).toISOString();
    await this.finish(job, { status: dead ? 'dead' : 'pending', last_error: message.slice(0, 2000), run_at: runAt }).catch((e: unknown) =>
      this.log.error({ err: e, jobId: job.id }, 'could not record job failure; the lease will expire and it will rerun'),
    );
  }

  private finish(job: JobsTable, set: Partial<JobsTable>): Promise<unknown> {
    return this.db.writer.run((trx) =>
      trx
        .updateTable('jobs')
        .set({ ...set, locked_by: null, locked_until: null, updated_at: nowIso() })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.workerId)
        .execute(),
    );
  }

  /** Return expired leases (crashed workers) to pending, and prune finished jobs after a day. */
  private async maybeSweep(): Promise<void> {
    if (Date.now() - this.lastSweep < 5_000) return;
    this.lastSweep = Date.now();
    const now = nowIso();
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    await this.db.writer.run(async (trx) => {
      await trx.updateTable('jobs').set({ status: 'pending', locked_by: null, locked_until: null, updated_at: now }).where('status', '=', 'running').where('locked_until', '<', now).execute();
      await trx.deleteFrom('jobs').where('id', 'in', finishedJobIds(trx, this.knownTypes(), dayAgo)).execute();
    });
  }

  /** Every type this worker runs; [''] when none, so an `in` list is never empty (matches no job). */
  private knownTypes(): string[] {
    const types = [...this.handlers.keys(), ...this.batched.keys()];
    return types.length > 0 ? types : [''];
  }
}

const GENERAL = '*';

/** PostgreSQL deadlock_detected / serialization_failure: retrying the same work can succeed. */
function isTransientConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** Ids of due jobs of the given types, oldest first: one range of jobs_claim_idx (status, type, run_at) per type. */
export function dueJobIds(db: Kysely<Database>, types: string[], now: string, limit: number, forUpdate: boolean) {
  return db
    .selectFrom('jobs')
    .select('id')
    .where('status', '=', 'pending')
    .where('run_at', '<=', now)
    .where('type', types.length === 1 ? '=' : 'in', types.length === 1 ? types[0]! : types)
    .orderBy('run_at')
    .limit(limit)
    .$if(forUpdate, (q) => q.forUpdate().skipLocked());
}

const PRUNE_PER_SWEEP = 5_000;

/**
 * Finished jobs due more than a day ago (of `types`, not empty), a bounded number per sweep: one range of
 * jobs_claim_idx per type. Asking
 * for `updated_at` instead read every done job in the table every five seconds (~80 ms at a million a day).
 */
export function finishedJobIds(db: Kysely<Database>, types: string[], before: string) {
  return db
    .selectFrom('jobs')
    .select('id')
    .where('status', '=', 'done')
    .where('type', 'in', types)
    .where('run_at', '<', before)
    .limit(PRUNE_PER_SWEEP);
}
