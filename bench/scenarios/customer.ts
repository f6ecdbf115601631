/**
 * Scenario 3 — the customer loop with 200 concurrent virtual customers: QR session → verify a real
 * purchase → text feedback (finished at once, scored by the embedded scorer, fraud-checked, reward
 * computed) → Swish number for the reward. Compared with /api/health/live at the same concurrency.
 * Targets: request p95 within 10× the live probe's p95; no failed request.
 * The customer-loop server set-up is shared with scenario 7 (memory soak).
 */
import { createThrowaway, serverEnv, type Throwaway } from '../lib/env.js';
import { seedData } from '../lib/seed.js';
import { startKvittra, type ChildServer } from '../lib/server.js';
import { customerSequence, pickPurchases, type LoopStats, type PurchasePool } from '../lib/customer.js';
import { fmt, ratio, statusOf, type ScenarioResult, type Target } from '../lib/results.js';
import { loadFigures, measure, resultHead, type Measured, type ScenarioContext } from '../lib/scenario.js';

export const VIRTUAL_CUSTOMERS = 200;
export const LOOP_STEPS = ['session', 'verify', 'feedback', 'payout'] as const;

export interface LoopRig {
  db: Throwaway;
  server: ChildServer;
  pool: PurchasePool;
  transactions: number;
  close(): Promise<void>;
}

/** A server with enough verifiable purchases for `passes` customer passes (12 days of sales, 50 shops). */
export async function startLoopRig(ctx: ScenarioContext, label: string, passes: number): Promise<LoopRig> {
  const db = await createThrowaway(ctx.backend, label);
  try {
    const transactions = Math.max(50_000, Math.ceil(passes * 1.25));
    const seeded = await seedData(db.seedTarget, { transactions, locations: 50, days: 12, feedback: 0, progress: process.stdout.isTTY && transactions > 200_000 });
    const pool: PurchasePool = { purchases: await pickPurchases(db.database, passes), next: 0 };
    ctx.log(`  seeded ${seeded.transactions.toLocaleString('en-US')} transactions (${pool.purchases.length.toLocaleString('en-US')} verifiable purchases kept for the run) in ${seeded.seconds.toFixed(1)} s`);
    const server = await startKvittra(`${label}-server`, serverEnv(db), { nodeArgs: ctx.nodeArgs });
    return {
      db,
      server,
      pool,
      transactions: seeded.transactions,
      async close() {
        await server.stop();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

export function loopFigures(m: Measured, s: LoopStats): Record<string, unknown> {
  return loadFigures(m, {
    passesPerSec: Math.round((s.passesCompleted / m.load.durationSec) * 10) / 10,
    passesCompleted: s.passesCompleted,
    passLatencyMs: s.pass,
    stepLatencyMs: s.steps,
    failuresByStep: s.failuresByStep,
    purchasePoolExhausted: s.exhausted,
  });
}

export const stepFailures = (s: LoopStats) => Object.values(s.steps).reduce((a, st) => a + (st?.failed ?? 0), 0);

export async function runCustomer(ctx: ScenarioContext): Promise<ScenarioResult> {
  const startedAt = new Date();
  const rig = await startLoopRig(ctx, 'customer', 60_000);
  let live: Measured;
  let run: Measured;
  let stats: LoopStats;
  try {
    live = await measure(ctx, rig.server, { title: 'live probe', url: rig.server.url, path: '/api/health/live', connections: VIRTUAL_CUSTOMERS, durationSec: ctx.durationSec });
    const seq = customerSequence(rig.pool, [...LOOP_STEPS], 32);
    // 200 new connections reach a saturated server in a burst; give them a longer warm-up to all get going.
    run = await measure(ctx, rig.server, { title: 'customer loop', url: rig.server.url, connections: VIRTUAL_CUSTOMERS, durationSec: ctx.durationSec, warmupSec: Math.max(ctx.warmupSec, 5), requests: seq.requests, onMeasureFrom: seq.measureFrom });
    stats = seq.stats();
  } finally {
    await rig.close();
  }
  const passesPerSec = Math.round((stats.passesCompleted / run.load.durationSec) * 10) / 10;
  ctx.log(`  ${stats.passesCompleted} complete passes (${passesPerSec}/s), pass p95 ${stats.pass.p95} ms; steps p95: ${Object.entries(stats.steps).map(([k, v]) => `${k} ${v?.p95} ms`).join(', ')}`);
  const p95Ratio = ratio(run.load.latencyMs.p95, live.load.latencyMs.p95);
  const failed = stepFailures(stats) + run.load.errors + run.load.timeouts;
  const errorRate = run.load.requests > 0 ? failed / run.load.requests : 1;
  const targets: Target[] = [
    { name: 'Request p95 vs live-probe p95', target: '≤ 10×', value: p95Ratio, display: `${p95Ratio.toFixed(2)}× (${fmt(run.load.latencyMs.p95)} vs ${fmt(live.load.latencyMs.p95)} ms)`, met: p95Ratio <= 10 },
    { name: 'Error rate', target: '0', value: errorRate, display: `${failed} of ${run.load.requests} requests${stats.exhausted ? ' (purchase pool exhausted)' : ''}`, met: failed === 0 },
    { name: 'Throughput', target: 'reported', value: passesPerSec, display: `${passesPerSec} customer passes/s (${run.load.rps} req/s)`, met: null },
    {
      name: 'Virtual customers served',
      target: 'reported',
      value: run.load.connectionsAnswered,
      display: `${run.load.connectionsAnswered} of ${VIRTUAL_CUSTOMERS} got an answer${run.load.allConnectionsAnsweredSec === null ? ` within the ${run.load.warmupSec + ctx.durationSec} s run (the rest waited in the server's accept queue)` : `, all within ${run.load.allConnectionsAnsweredSec} s`}`,
      met: null,
    },
  ];
  return {
    ...resultHead(ctx, 'customer', 3, 'Customer loop', startedAt),
    status: statusOf(targets),
    setup: {
      virtualCustomers: VIRTUAL_CUSTOMERS,
      steps: 'POST /api/v1/feedback-sessions → POST …/verify → POST …/feedback {text, finish:true} (embedded scorer, fraud checks, reward) → POST …/payout {phone}',
      durationSec: ctx.durationSec,
      warmupSec: Math.max(ctx.warmupSec, 5),
      transactions: rig.transactions,
      scorer: 'embedded deterministic scorer (no OLLAMA_ENDPOINT)',
      fraudDetection: 'on (default); every pass has its own device id and client address, and its own varied Swedish text',
    },
    measured: loopFigures(run, stats),
    baseline: loadFigures(live, { endpoint: 'GET /api/health/live' }),
    ratios: { p95: p95Ratio, p99: ratio(run.load.latencyMs.p99, live.load.latencyMs.p99) },
    targets,
    notes: ['Latency percentiles are over every request of every step; per-step and whole-pass figures are in measured.stepLatencyMs and measured.passLatencyMs.'],
  };
}
