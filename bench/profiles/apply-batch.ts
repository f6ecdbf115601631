/**
 * `npx tsx bench/profiles/apply-batch.ts [events]` — CPU cost of applying stored webhook events, one
 * job per transaction (the old registration) versus batched claims (JobQueue.registerBatched), on one
 * SQLite server in one process. Events are ingested over HTTP with the worker stopped, then the worker
 * drains them; process CPU time (user + system) per event is compared, alternating A/B/A/B so JIT warm-up
 * and machine load affect both. CPU time, unlike wall time, stays meaningful on a loaded machine.
 */
import { startTestPlatform } from '../../server/test/helpers/platform.js';
import { connect, send } from '../../server/test/helpers/webhook-helpers.js';
import { squarePayment } from '../../server/test/helpers/pos-payloads.js';
import { APPLY_EVENT_JOB } from '../../server/src/pos/ingest-service.js';
import { applyEventHandler, applyEventInTrx } from '../../server/src/pos/apply-event.js';

const EVENTS = Number(process.argv[2] ?? 2000);

async function main(): Promise<void> {
  const p = await startTestPlatform({ RATE_LIMIT_WEBHOOKS_PER_MINUTE: '1000000000', LOG_LEVEL: 'silent' });
  try {
    const conn = await connect(p, 'square');
    const q = p.ctx.queue;
    const modes = {
      single: () => q.register(APPLY_EVENT_JOB, applyEventHandler(p.ctx)),
      batched: () => q.registerBatched(APPLY_EVENT_JOB, (trx, payload) => applyEventInTrx(p.ctx, trx, payload), { maxBatch: 50 }),
    };
    const rows: string[] = [];
    for (const mode of ['single', 'batched', 'single', 'batched'] as const) {
      await q.stop();
      // Switch registrations: the queue prefers a batched registration, so drop it for "single".
      (q as unknown as { batched: Map<string, unknown> }).batched.delete(APPLY_EVENT_JOB);
      modes[mode]();
      for (let i = 0; i < EVENTS; i += 50) await Promise.all(Array.from({ length: Math.min(50, EVENTS - i) }, () => send(p, squarePayment(conn, { amount: 10_000 + i }))));
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      q.start();
      if (!(await q.drain(600_000))) throw new Error('drain timed out');
      const used = process.cpuUsage(cpu);
      const wall = performance.now() - t0;
      const perEventUs = (used.user + used.system) / EVENTS;
      rows.push(`${mode.padEnd(8)} ${EVENTS} events: CPU ${(perEventUs / 1000).toFixed(3)} ms/event, wall ${(wall / EVENTS).toFixed(3)} ms/event, group commits so far ${p.ctx.db.writer.batches}`);
      process.stdout.write(`${rows.at(-1)}\n`);
    }
  } finally {
    await p.stop();
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
