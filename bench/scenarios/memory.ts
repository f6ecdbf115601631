/**
 * Scenario 7 — memory. RSS is sampled during every scenario (rssMb in each result); this one soaks the
 * customer loop (200 virtual customers) for --soak seconds (default 60; the issue asks 300: --soak 300)
 * and reads the live heap after forced full GCs at regular points under load. Start and end heap are
 * compared and a least-squares slope is fitted over all points.
 * Target: no growth once warm — the heap at the end within max(5 MB, 10 %) of the heap one minute in. The first
 * minute fills what is bounded by design (the per-address rate-limit entries live for their 1-minute window and
 * every pass comes from a new address; the LRU caches fill to their limits); start → end is reported beside it.
 * Failed requests are reported beside it
 * (they are scenario 3's concern; here they only show the soak ran at full load).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { customerSequence } from '../lib/customer.js';
import { runLoad, describeLoad } from '../lib/load.js';
import { mb, sampleMemory } from '../lib/server.js';
import { statusOf, type ScenarioResult, type Target } from '../lib/results.js';
import { resultHead, type ScenarioContext } from '../lib/scenario.js';
import { LOOP_STEPS, VIRTUAL_CUSTOMERS, loopFigures, startLoopRig, stepFailures } from './customer.js';

/** The rate limiter's window: per-address entries of the first minute are still held at its end. */
const WARM_SEC = 60;

interface HeapPoint {
  atSec: number;
  heapUsedMb: number;
  rssMb: number;
}

function slopePerMinute(points: HeapPoint[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.atSec, 0) / n;
  const my = points.reduce((a, p) => a + p.heapUsedMb, 0) / n;
  const num = points.reduce((a, p) => a + (p.atSec - mx) * (p.heapUsedMb - my), 0);
  const den = points.reduce((a, p) => a + (p.atSec - mx) ** 2, 0);
  return den === 0 ? 0 : Math.round((num / den) * 60 * 100) / 100;
}

export async function runMemory(ctx: ScenarioContext): Promise<ScenarioResult> {
  const startedAt = new Date();
  const soak = ctx.soakSec;
  const rig = await startLoopRig(ctx, 'memory', soak * 250 + 10_000);
  const points: HeapPoint[] = [];
  try {
    const idleBefore = await rig.server.gc();
    const seq = customerSequence(rig.pool, [...LOOP_STEPS], 72);
    const warmupSec = Math.max(ctx.warmupSec, 5);
    const every = Math.max(5, Math.round(soak / 12));
    const sampler = sampleMemory(rig.server, 1000);
    let t0 = Number.POSITIVE_INFINITY;
    let running = true;
    const heapSampler = (async () => {
      while (performance.now() < t0) await sleep(100);
      while (running) {
        const m = await rig.server.gc().catch(() => null);
        if (m) points.push({ atSec: Math.round((performance.now() - t0) / 100) / 10, heapUsedMb: mb(m.heapUsed), rssMb: mb(m.rss) });
        const wait = every * 1000 - ((performance.now() - t0) % (every * 1000));
        await sleep(wait);
      }
    })();
    ctx.log(`  soaking ${soak} s with ${VIRTUAL_CUSTOMERS} virtual customers (heap read after full GC every ${every} s)`);
    const load = await runLoad({
      title: 'customer loop soak',
      url: rig.server.url,
      connections: VIRTUAL_CUSTOMERS,
      durationSec: soak,
      warmupSec,
      requests: seq.requests,
      onMeasureFrom: (t) => {
        t0 = t;
        seq.measureFrom(t);
      },
    });
    const endUnderLoad = await rig.server.gc();
    points.push({ atSec: Math.round((performance.now() - t0) / 100) / 10, heapUsedMb: mb(endUnderLoad.heapUsed), rssMb: mb(endUnderLoad.rss) });
    running = false;
    await heapSampler;
    const rss = sampler.stop();
    await sleep(2000);
    const idleAfter = await rig.server.gc();
    const stats = seq.stats();
    ctx.log(`  ${describeLoad(load)}`);

    const start = points[0]!;
    const end = points.at(-1)!;
    const growth = Math.round((end.heapUsedMb - start.heapUsedMb) * 10) / 10;
    // Steady state: from the first reading a full rate-limit window in (whole run if the soak is short).
    const steadyFrom = soak >= 120 ? points.findIndex((p) => p.atSec >= WARM_SEC) : 0;
    const steady = points.slice(Math.max(0, steadyFrom));
    const warm = steady[0]!;
    const steadyGrowth = Math.round((end.heapUsedMb - warm.heapUsedMb) * 10) / 10;
    const allowance = Math.max(5, warm.heapUsedMb * 0.1);
    const slope = slopePerMinute(points);
    const steadySlope = slopePerMinute(steady);
    const signed = (v: number) => `${v >= 0 ? '+' : ''}${v}`;
    ctx.log(`  heap after GC: start ${start.heapUsedMb} MB → ${warm.heapUsedMb} MB at ${warm.atSec} s → end ${end.heapUsedMb} MB (steady ${signed(steadyGrowth)} MB, slope ${steadySlope} MB/min; whole soak ${signed(growth)} MB); RSS ${rss.minMb}–${rss.maxMb} MB`);
    const failed = stepFailures(stats) + load.errors + load.timeouts;
    const targets: Target[] = [
      { name: `Heap growth once warm (after full GC, from ${warm.atSec} s to the end)`, target: `≤ max(5 MB, 10 %) = ${Math.round(allowance * 10) / 10} MB`, value: steadyGrowth, display: `${signed(steadyGrowth)} MB (${warm.heapUsedMb} → ${end.heapUsedMb} MB; slope ${steadySlope} MB/min)`, met: steadyGrowth <= allowance },
      { name: 'Heap over the whole soak, start → end', target: 'reported', value: growth, display: `${signed(growth)} MB (${start.heapUsedMb} → ${end.heapUsedMb} MB; slope ${slope} MB/min)`, met: null },
      { name: 'Errors during the soak', target: 'reported', value: failed, display: `${failed} of ${load.requests} requests (${load.timeouts} timed out after 30 s); ${load.connectionsAnswered} of ${VIRTUAL_CUSTOMERS} connections ever answered`, met: null },
    ];
    return {
      ...resultHead(ctx, 'memory', 7, 'Memory soak', startedAt),
      status: statusOf(targets),
      setup: { soakSec: soak, warmupSec, virtualCustomers: VIRTUAL_CUSTOMERS, heapEverySec: every, gc: 'two global.gc() calls in the server (node --expose-gc) before each heap reading', transactions: rig.transactions },
      measured: {
        ...loopFigures({ load, rss }, stats),
        heapStartMb: start.heapUsedMb,
        heapEndMb: end.heapUsedMb,
        heapGrowthMb: growth,
        heapSlopeMbPerMin: slope,
        heapWarmAtSec: warm.atSec,
        heapWarmMb: warm.heapUsedMb,
        heapSteadyGrowthMb: steadyGrowth,
        heapSteadySlopeMbPerMin: steadySlope,
        heapPoints: points,
        idleBefore: { heapUsedMb: mb(idleBefore.heapUsed), rssMb: mb(idleBefore.rss) },
        idleAfter: { heapUsedMb: mb(idleAfter.heapUsed), rssMb: mb(idleAfter.rss) },
      },
      targets,
      notes: [`Soak length is a flag: npm run bench -- memory --soak 300 runs the five minutes the issue asks for; this run soaked ${soak} s.`],
    };
  } finally {
    await rig.close();
  }
}
