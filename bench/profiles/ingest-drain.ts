/**
 * `npx tsx bench/profiles/ingest-drain.ts [seconds] [--pg] [--cpu-prof] [--no-workers]` — where the time of webhook ingest goes:
 * sends signed sales to the built server for `seconds` (50 connections; with --no-workers the job queue is
 * paused meanwhile, so only the receipt path runs), then times how fast the apply
 * worker empties the queue. Prints ingest req/s and drain events/s; with --cpu-prof the server writes
 * a profile to bench/results/tmp/profiles.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createThrowaway, serverEnv } from '../lib/env.js';
import { seedData } from '../lib/seed.js';
import { startKvittra, TMP_DIR } from '../lib/server.js';
import { signedSale } from '../lib/payloads.js';
import { prng } from '../lib/swedish.js';
import { describeLoad, runLoad } from '../lib/load.js';

const SECONDS = Number(process.argv[2] ?? 10);
const NO_WORKERS = process.argv.includes('--no-workers');
const PROF = process.argv.includes('--cpu-prof');

async function main(): Promise<void> {
  const db = await createThrowaway(process.argv.includes('--pg') ? 'postgres' : 'sqlite', 'drain');
  const seeded = await seedData(db.seedTarget, { transactions: 0, locations: 12, days: 1, feedback: 0, locationsPerBusiness: 3 });
  const server = await startKvittra('drain-server', serverEnv(db, process.env.EXTRA_ENV ? JSON.parse(process.env.EXTRA_ENV) : {}), { nodeArgs: PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(TMP_DIR, 'profiles')}`] : [] });
  try {
    const rng = prng(7);
    let next = 0;
    if (NO_WORKERS) await server.pauseQueue();
    const cpu0 = await server.cpuMicros();
    const load = await runLoad({
      url: server.url,
      title: 'ingest',
      connections: 50,
      durationSec: SECONDS,
      warmupSec: 0,
      requests: [{ method: 'POST', setupRequest: (req) => { const wh = signedSale(seeded.connections[next++ % seeded.connections.length]!, rng); return { ...req, path: wh.path, headers: wh.headers, body: wh.body }; } }],
    });
    const cpuPerRequest = (await server.cpuMicros()) - cpu0;
    process.stdout.write(`${describeLoad(load)}; server CPU ${(cpuPerRequest / load.requests).toFixed(0)} µs per request\n`);
    if (process.argv.includes('--no-drain')) return;
    if (NO_WORKERS) await server.resumeQueue();
    const backlog = await server.queueDepth();
    const cpu1 = await server.cpuMicros();
    const t1 = performance.now();
    for (;;) {
      const d = (await server.queueDepth()) ?? {};
      if ((d.pending ?? 0) + (d.running ?? 0) === 0) break;
      await sleep(100);
    }
    const drainSec = (performance.now() - t1) / 1000;
    const applyCpu = ((await server.cpuMicros()) - cpu1) / Math.max(1, (backlog?.pending ?? 0) + (backlog?.running ?? 0));
    process.stdout.write(`backlog ${JSON.stringify(backlog)}; drained in ${drainSec.toFixed(1)} s, server CPU ${applyCpu.toFixed(0)} µs per applied event\n`);
  } finally {
    await server.stop();
    await db.drop();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
