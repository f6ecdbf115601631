import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, backendUnavailable, openTestDatabase } from '../helpers/platform.js';
import { JobQueue, PermanentJobError } from '../../src/queue/job-queue.js';
import { createLogger } from '../../src/core/logger.js';
import type { Db } from '../../src/db/database.js';

const log = createLogger('silent');

describe.skipIf(backendUnavailable)(`durable job queue (${backend})`, () => {
  let t: Awaited<ReturnType<typeof openTestDatabase>>;
  let db: Db;
  beforeAll(async () => {
    t = await openTestDatabase();
    db = t.db;
  });
  afterAll(async () => t?.close());

  const jobRow = (id: string) => db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('runs an enqueued job once and marks it done', async () => {
    const q = new JobQueue(db, log, { pollIntervalMs: 20, concurrency: 2 });
    const seen: unknown[] = [];
    q.register('t.ok', async (payload) => void seen.push(payload));
    const id = await db.writer.run((trx) => q.enqueue(trx, 't.ok', { n: 1 }));
    q.start();
    expect(await q.drain(5000)).toBe(true);
    await q.stop();
    expect(seen).toEqual([{ n: 1 }]);
    expect((await jobRow(id)).status).toBe('done');
  });

  it('retries a failing job with backoff and records the error, then dead-letters after max attempts', async () => {
    const q = new JobQueue(db, log, { pollIntervalMs: 20, concurrency: 1 });
    let calls = 0;
    q.register('t.flaky', async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    });
    const id = await db.writer.run((trx) => q.enqueue(trx, 't.flaky', {}, { maxAttempts: 2 }));
    q.start();
    const deadline = Date.now() + 8000;
    while ((await jobRow(id)).status !== 'dead' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await q.stop();
    const row = await jobRow(id);
    expect(row.status).toBe('dead');
    expect(row.attempts).toBe(2);
    expect(calls).toBe(2);
    expect(row.last_error).toBe('boom 2');
  });

  it('leaves a job of a type it has no handler for pending, for a worker that knows it', async () => {
    const old = new JobQueue(db, log, { pollIntervalMs: 20, concurrency: 2 });
    const ran: string[] = [];
    old.register('t.known', async () => void ran.push('known'));
    const [known, newer] = await db.writer.run(async (trx) => [await old.enqueue(trx, 't.known', {}), await old.enqueue(trx, 't.newer', {})]);
    old.start();
    expect(await old.drain(5000)).toBe(true);
    await old.stop();
    expect((await jobRow(known!)).status).toBe('done');
    expect(await jobRow(newer!)).toMatchObject({ status: 'pending', attempts: 0, last_error: null });

    const upgraded = new JobQueue(db, log, { pollIntervalMs: 20, concurrency: 2 });
    upgraded.register('t.newer', async () => void ran.push('newer'));
    upgraded.start();
    expect(await upgraded.drain(5000)).toBe(true);
    await upgraded.stop();
    expect((await jobRow(newer!)).status).toBe('done');
    expect(ran).toEqual(['known', 'newer']);
  });

  it('prunes finished jobs due more than a day ago and keeps everything else', async () => {
    const q = new JobQueue(db, log, { pollIntervalMs: 20, concurrency: 1 });
    q.register('t.prune', async () => undefined);
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    const ids = await db.writer.run(async (trx) => ({
      oldDone: await q.enqueue(trx, 't.prune', {}, { runAt: daysAgo(2) }),
      recentDone: await q.enqueue(trx, 't.prune', {}, { runAt: daysAgo(0.5) }),
      oldDead: await q.enqueue(trx, 't.prune', {}, { runAt: daysAgo(2) }),
      oldPending: await q.enqueue(trx, 't.unhandled', {}, { runAt: daysAgo(2) }),
      // Due now: drain waits for it, and a tick sweeps before it claims.
      runsNow: await q.enqueue(trx, 't.prune', {}),
    }));
    await db.kysely.updateTable('jobs').set({ status: 'done' }).where('id', 'in', [ids.oldDone, ids.recentDone]).execute();
    await db.kysely.updateTable('jobs').set({ status: 'dead' }).where('id', '=', ids.oldDead).execute();
    q.start(); // the first tick sweeps
    expect(await q.drain(5000)).toBe(true);
    await q.stop();
    const left = await db.kysely.selectFrom('jobs').select('id').where('id', 'in', Object.values(ids)).execute();
    expect(left.map((r) => r.id).sort()).toEqual([ids.recentDone, ids.oldDead, ids.oldPending, ids.runsNow].sort());
    await db.kysely.deleteFrom('jobs').where('id', '=', ids.oldPending).execute();
  });

  it('a PermanentJobError goes straight to dead', async () => {
    const q = new JobQueue(db, log, { pollIntervalMs: 20, concurrency: 1 });
    q.register('t.perm', async () => {
      throw new PermanentJobError('cannot ever work');
    });
    const id = await db.writer.run((trx) => q.enqueue(trx, 't.perm', {}, { maxAttempts: 10 }));
    q.start();
    await q.drain(5000);
    await q.stop();
    expect(await jobRow(id)).toMatchObject({ status: 'dead', attempts: 1, last_error: 'cannot ever work' });
  });

  it('a job enqueued in a rolled-back transaction never exists', async () => {
    const q = new JobQueue(db, log, { pollIntervalMs: 20, concurrency: 1 });
    let id = '';
    await expect(
      db.writer.run(async (trx) => {
        id = await q.enqueue(trx, 't.ok', {});
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await db.kysely.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it('recovers a job whose worker died mid-run (expired lease) and runs it again', async () => {
    const q = new JobQueue(db, log, { pollIntervalMs: 20, concurrency: 1 });
    const seen: string[] = [];
    q.register('t.lease', async (_p, { jobId }) => void seen.push(jobId));
    const id = await db.writer.run((trx) => q.enqueue(trx, 't.lease', {}));
    // Simulate a crashed worker: claimed, lease already expired.
    await db.kysely.updateTable('jobs').set({ status: 'running', locked_by: 'dead-worker', locked_until: new Date(Date.now() - 1000).toISOString(), attempts: 1 }).where('id', '=', id).execute();
    q.start();
    const deadline = Date.now() + 8000;
    while ((await jobRow(id)).status !== 'done' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await q.stop();
    expect(seen).toEqual([id]);
    expect((await jobRow(id)).attempts).toBe(2);
  });

  it('two workers never run the same job (claims are exclusive)', async () => {
    const a = new JobQueue(db, log, { pollIntervalMs: 5, concurrency: 4 });
    const b = new JobQueue(db, log, { pollIntervalMs: 5, concurrency: 4 });
    const runs = new Map<string, number>();
    const handler = async (_p: unknown, { jobId }: { jobId: string }) => {
      runs.set(jobId, (runs.get(jobId) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 2));
    };
    a.register('t.excl', handler);
    b.register('t.excl', handler);
    const ids = await db.writer.run(async (trx) => Promise.all(Array.from({ length: 60 }, () => a.enqueue(trx, 't.excl', {}))));
    a.start();
    b.start();
    expect(await a.drain(15_000)).toBe(true);
    await Promise.all([a.stop(), b.stop()]);
    expect(runs.size).toBe(60);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(ids).size).toBe(60);
  });

  it('reports depth by status, with jobs due later apart from the backlog', async () => {
    const q = new JobQueue(db, log, { pollIntervalMs: 1000, concurrency: 1 });
    const before = await q.depth();
    await db.writer.run((trx) => q.enqueue(trx, 't.later', {}, { runAt: new Date(Date.now() + 3_600_000) }));
    const later = await q.depth();
    expect(later.scheduled).toBe(before.scheduled + 1);
    expect(later.pending).toBe(before.pending);
    await db.writer.run((trx) => q.enqueue(trx, 't.due', {}));
    const due = await q.depth();
    expect(due.pending).toBe(before.pending + 1);
    expect(due.scheduled).toBe(later.scheduled);
    expect(due.dead).toBeGreaterThanOrEqual(2);
  });
});
