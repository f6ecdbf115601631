/**
 * Scenario 3 — the customer loop with 200 concurrent virtual customers: QR session → verify a real
 * purchase → text feedback (finished at once, scored by the embedded scorer, fraud-checked, reward
 * computed) → Swish number for the reward. Closed loop of 200 connections against /api/health/live at the same
 * concurrency; and 200 customers thinking 0.8–1.2 s between steps (the seed's k6 shape) against its threshold.
 * Targets: closed-loop request p95 within 10× the live probe's p95; k6 p95 < 500 ms; no failed request.
 * The customer-loop server set-up is shared with scenario 7 (memory soak).
 */
import { createThrowaway, serverEnv, type Throwaway } from '../lib/env.js';
import { seedData } from '../lib/seed.js';
import { startKvittra, type ChildServer } from '../lib/server.js';
import { customerSequence, pickPurchases, type LoopStats, type PurchasePool } from '../lib/customer.js';
import { fmt, ratio, statusOf, type ScenarioResult, type Target } from '../lib/results.js';
import { loadFigures, measure, resultHead, type Measured, type ScenarioContext } from '../lib/scenario.js';
import { describeLoad, runLoad, type LoadResult } from '../lib/load.js';
import { runVirtualCustomers } from '../lib/virtual-customers.js';

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

/** k6's customary sleep(1) between steps, with jitter so customers do not move in lockstep. */
export const THINK_MS: [number, number] = [800, 1200];

export async function runCustomer(ctx: ScenarioContext): Promise<ScenarioResult> {
  const startedAt = new Date();
  const rig = await startLoopRig(ctx, 'customer', 60_000);
  let people: LoadResult;
  let liveDuring: LoadResult;
  let peopleStats: LoopStats;
  let live: Measured;
  let run: Measured;
  let stats: LoopStats;
  try {
    // The target run: 200 customers as the seed's k6 test runs them (think time between steps), with the
    // live probe on one extra connection during the load, waiting in the same queues.
    const k6 = customerSequence(rig.pool, [...LOOP_STEPS], 31);
    const probe = runLoad({ title: 'live probe during the customers', url: rig.server.url, path: '/api/health/live', connections: 1, durationSec: ctx.durationSec, warmupSec: Math.max(ctx.warmupSec, 5) });
    people = await runVirtualCustomers({ title: `${VIRTUAL_CUSTOMERS} customers, ${THINK_MS.join('–')} ms think time`, url: rig.server.url, customers: VIRTUAL_CUSTOMERS, durationSec: ctx.durationSec, warmupSec: Math.max(ctx.warmupSec, 5), thinkMs: THINK_MS, requests: k6.requests, onMeasureFrom: k6.measureFrom });
    liveDuring = await probe;
    peopleStats = k6.stats();
    ctx.log(`  ${describeLoad(people)}`);
    ctx.log(`  ${describeLoad(liveDuring)}`);
    // Saturation (reported): every customer sends its next request the moment the last one is answered.
    live = await measure(ctx, rig.server, { title: 'live probe alone', url: rig.server.url, path: '/api/health/live', connections: VIRTUAL_CUSTOMERS, durationSec: ctx.durationSec });
    const seq = customerSequence(rig.pool, [...LOOP_STEPS], 32);
    // 200 new connections reach a saturated server in a burst; give them a longer warm-up to all get going.
    run = await measure(ctx, rig.server, { title: 'customer loop without think time', url: rig.server.url, connections: VIRTUAL_CUSTOMERS, durationSec: ctx.durationSec, warmupSec: Math.max(ctx.warmupSec, 5), requests: seq.requests, onMeasureFrom: seq.measureFrom });
    stats = seq.stats();
  } finally {
    await rig.close();
  }
  const passesPerSec = (s: LoopStats, sec: number) => Math.round((s.passesCompleted / sec) * 10) / 10;
  ctx.log(`  with think time: ${peopleStats.passesCompleted} complete passes; steps p95: ${Object.entries(peopleStats.steps).map(([k, v]) => `${k} ${v?.p95} ms`).join(', ')}`);
  ctx.log(`  saturated: ${stats.passesCompleted} complete passes (${passesPerSec(stats, run.load.durationSec)}/s), pass p95 ${stats.pass.p95} ms; steps p95: ${Object.entries(stats.steps).map(([k, v]) => `${k} ${v?.p95} ms`).join(', ')}`);
  const p95Ratio = ratio(people.latencyMs.p95, liveDuring.latencyMs.p95);
  const saturatedRatio = ratio(run.load.latencyMs.p95, live.load.latencyMs.p95);
  const failed = stepFailures(peopleStats) + people.errors + people.timeouts;
  const failedSaturated = stepFailures(stats) + run.load.errors + run.load.timeouts;
  const errorRate = people.requests > 0 ? failed / people.requests : 1;
  const targets: Target[] = [
    { name: 'Request p95 vs live-probe p95 (closed loop, 200 connections each)', target: '≤ 10×', value: saturatedRatio, display: `${saturatedRatio.toFixed(2)}× (${fmt(run.load.latencyMs.p95)} vs ${fmt(live.load.latencyMs.p95)} ms); ${passesPerSec(stats, run.load.durationSec)} passes/s (${run.load.rps} req/s); ${run.load.connectionsAnswered} of ${VIRTUAL_CUSTOMERS} connections answered`, met: saturatedRatio <= 10 },
    { name: 'Error rate', target: '0', value: errorRate, display: `${failed} of ${people.requests} requests with think time, ${failedSaturated} of ${run.load.requests} in the closed loop${peopleStats.exhausted || stats.exhausted ? ' (purchase pool exhausted)' : ''}`, met: failed === 0 && failedSaturated === 0 },
    { name: "Seed's k6 threshold: p95 with 200 customers thinking 0.8–1.2 s between steps", target: '< 500 ms', value: people.latencyMs.p95, display: `${fmt(people.latencyMs.p95)} ms (p99 ${fmt(people.latencyMs.p99)} ms); ${passesPerSec(peopleStats, people.durationSec)} passes/s (${people.rps} req/s)`, met: people.latencyMs.p95 < 500 },
    { name: 'With think time: p95 vs live probe on one extra connection during that load', target: 'reported', value: p95Ratio, display: `${p95Ratio.toFixed(2)}× (${fmt(people.latencyMs.p95)} vs ${fmt(liveDuring.latencyMs.p95)} ms)`, met: null },
  ];
  return {
    ...resultHead(ctx, 'customer', 3, 'Customer loop', startedAt),
    status: statusOf(targets),
    setup: {
      virtualCustomers: VIRTUAL_CUSTOMERS,
      thinkTimeMs: `${THINK_MS[0]}–${THINK_MS[1]} between steps (k6's sleep(1)); the saturated run has none`,
      steps: 'POST /api/v1/feedback-sessions → POST …/verify → POST …/feedback {text, finish:true} (embedded scorer, fraud checks, reward) → POST …/payout {phone}',
      durationSec: ctx.durationSec,
      warmupSec: Math.max(ctx.warmupSec, 5),
      transactions: rig.transactions,
      scorer: 'embedded deterministic scorer (no OLLAMA_ENDPOINT)',
      fraudDetection: 'on (default); every pass has its own device id and client address, and its own varied Swedish text',
    },
    measured: loopFigures(run, stats),
    baseline: loadFigures(live, { endpoint: 'GET /api/health/live, 200 connections' }),
    ratios: { p95: saturatedRatio, p99: ratio(run.load.latencyMs.p99, live.load.latencyMs.p99), thinkTimeP95VsProbeDuring: p95Ratio },
    targets,
    details: { thinkTime: loopFigures({ load: people, rss: run.rss }, peopleStats), liveProbeDuringThinkTime: { rps: liveDuring.rps, requests: liveDuring.requests, latencyMs: liveDuring.latencyMs, non2xx: liveDuring.non2xx } },
    notes: [
      'The target run is a closed loop: each of 200 connections sends its next request the moment the previous one is answered, so its latency is concurrency ÷ throughput, and against the live probe alone at 200 connections the ratio is how much more CPU a customer request needs than the probe.',
      'A second run drives 200 customers the way the seed\'s k6 test does: each performs the four steps in order with a think time of 0.8–1.2 s between them (real customers take far longer to type an amount or write feedback), checked against the seed\'s k6 threshold (p95 < 500 ms, < 1 % errors); the live probe runs on one extra connection during that load.',
      'Latency percentiles are over every request of every step; per-step and whole-pass figures are in measured.stepLatencyMs and measured.passLatencyMs.',
    ],
  };
}
