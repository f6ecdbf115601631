/**
 * Scenario 5 — dashboard analytics over 1,000,000 scored feedback sessions (100,000 with --quick). Drives
 * the business dashboard's overview and insights endpoints three ways on the same server, against
 * /api/health/live at the same concurrency in the same run:
 *  - uncached: every request asks for a date range no request asked for before (the cache always misses);
 *  - cached: a handful of popular views, asked again and again (hits once each view was computed);
 *  - realistic mix: 80 % the popular views (last 7/30 days per business), 20 % one-off custom ranges.
 * The cache hit ratio is read from the server's own dashboard_cache_requests_total{result} counter.
 */
import type autocannon from 'autocannon';
import { createThrowaway, serverEnv, BENCH_ADMIN_TOKEN } from '../lib/env.js';
import { seedData } from '../lib/seed.js';
import { startKvittra } from '../lib/server.js';
import { fmt, ratio, statusOf, type ScenarioResult, type Target } from '../lib/results.js';
import { loadFigures, measure, resultHead, type Measured, type ScenarioContext } from '../lib/scenario.js';

const CONNECTIONS = 10;
const LOCATIONS = 100;
const DAYS = 30;
const HEADERS = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };

type PathGen = () => string;

/** Stockholm dates as YYYY-MM-DD, `daysAgo` before today (UTC date is close enough for picking ranges). */
const dayIso = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** Every (from, to) pair within the last year, in an order that never repeats within a run. */
function uniqueRanges(): () => string {
  let i = 0;
  return () => {
    const span = 7 + (i % 23);
    const end = Math.floor(i / 23) % 300;
    i++;
    return `from=${dayIso(end + span)}&to=${dayIso(end)}`;
  };
}

function kindPath(businessId: string, n: number, query: string): string {
  return `/admin/businesses/${businessId}/dashboard/${n % 2 === 0 ? 'overview' : 'insights'}?${query}`;
}

/** Businesses whose owners are looking at their dashboards during the run (the popular views are theirs). */
const ACTIVE_BUSINESSES = 5;
const POPULAR = [`from=${dayIso(6)}&to=${dayIso(0)}`, `from=${dayIso(29)}&to=${dayIso(0)}`];

function generators(businessIds: string[]) {
  const unique = uniqueRanges();
  const active = businessIds.slice(0, ACTIVE_BUSINESSES);
  let n = 0;
  const uncached: PathGen = () => kindPath(businessIds[n % businessIds.length]!, n++, unique());
  const cached: PathGen = () => kindPath(active[n % active.length]!, n++, POPULAR[Math.floor(n / 2) % POPULAR.length]!);
  const mix: PathGen = () => (n % 5 === 4 ? uncached() : cached());
  // Every popular view once, so the cached runs measure hits, not the first computation.
  const popularViews = active.flatMap((b) => POPULAR.flatMap((q) => [0, 1].map((k) => kindPath(b, k, q))));
  return { uncached, cached, mix, popularViews };
}

/** Computes each popular view once (the first visit of the day); returns the slowest in ms. */
async function warmPopular(url: string, paths: string[]): Promise<number> {
  let slowest = 0;
  for (const p of paths) {
    const t = performance.now();
    const res = await fetch(`${url}${p}`, { headers: HEADERS });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`warming ${p} answered ${res.status}`);
    slowest = Math.max(slowest, performance.now() - t);
  }
  return Math.round(slowest);
}

async function cacheCounts(url: string): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: HEADERS })).text();
  const read = (result: string) => Number(new RegExp(`^dashboard_cache_requests_total\\{result="${result}"\\} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
  return { hit: read('hit'), miss: read('miss') };
}

function hitRatio(before: { hit: number; miss: number }, after: { hit: number; miss: number }): number {
  const hit = after.hit - before.hit;
  const total = hit + after.miss - before.miss;
  return total === 0 ? 0 : Math.round((hit / total) * 1000) / 1000;
}

export async function runAnalytics(ctx: ScenarioContext): Promise<ScenarioResult> {
  const startedAt = new Date();
  const feedback = ctx.quick ? 100_000 : 1_000_000;
  const db = await createThrowaway(ctx.backend, 'analytics');
  try {
    ctx.log(`  seeding ${feedback.toLocaleString('en-US')} feedback sessions over ${LOCATIONS} locations and ${DAYS} days`);
    const seeded = await seedData(db.seedTarget, { transactions: Math.ceil(feedback * 1.1), locations: LOCATIONS, days: DAYS, feedback, progress: process.stdout.isTTY, log: (l) => ctx.log(`  ${l}`) });
    const businessIds = [...new Set(seeded.connections.map((c) => c.businessId))];
    const gen = generators(businessIds);
    // Load shedding off: a saturated 2-core machine would otherwise answer part of the uncached run with 503s,
    // and this scenario measures the queries (the other scenarios keep the default).
    const server = await startKvittra('analytics-server', serverEnv(db, { RATE_LIMIT_ADMIN_PER_MINUTE: '1000000000', LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }), { nodeArgs: ctx.nodeArgs });
    const runs: Record<'live' | 'uncached' | 'cached' | 'mix', Measured> = {} as never;
    const hits: Record<string, number> = {};
    let firstViewMs = 0;
    try {
      const spec = (title: string, next: PathGen) => ({ title, url: server.url, connections: CONNECTIONS, durationSec: ctx.durationSec, requests: [{ method: 'GET' as const, headers: HEADERS, setupRequest: (r: autocannon.Request) => ({ ...r, path: next() }) }] });
      runs.live = await measure(ctx, server, { title: 'live probe', url: server.url, path: '/api/health/live', connections: CONNECTIONS, durationSec: ctx.durationSec });
      for (const kind of ['uncached', 'cached', 'mix'] as const) {
        if (kind === 'cached') firstViewMs = await warmPopular(server.url, gen.popularViews);
        const before = await cacheCounts(server.url);
        runs[kind] = await measure(ctx, server, spec(`dashboard ${kind}`, gen[kind]));
        hits[kind] = hitRatio(before, await cacheCounts(server.url));
        ctx.log(`  ${kind}: cache hit ratio ${hits[kind]} (includes the warm-up)${kind === 'cached' ? `; slowest first view ${firstViewMs} ms` : ''}`);
      }
    } finally {
      await server.stop();
    }
    const liveP95 = runs.live.load.latencyMs.p95;
    const r = (k: 'uncached' | 'cached' | 'mix') => ratio(runs[k].load.latencyMs.p95, liveP95);
    const failed = runs.uncached.load.non2xx + runs.cached.load.non2xx + runs.mix.load.non2xx + runs.mix.load.errors;
    const targets: Target[] = [
      { name: 'Mix p95 (seed SLA: p95 < 2 s)', target: '< 2000 ms', value: runs.mix.load.latencyMs.p95, display: `${fmt(runs.mix.load.latencyMs.p95)} ms (${r('mix').toFixed(1)}× live p95 ${fmt(liveP95)} ms)`, met: runs.mix.load.latencyMs.p95 < 2000 },
      { name: 'Cache hit ratio, realistic mix (seed SLA > 70 %)', target: '> 0.70', value: hits.mix!, display: `${(hits.mix! * 100).toFixed(1)} %`, met: hits.mix! > 0.7 },
      { name: 'Uncached p95 (reported)', target: '—', value: runs.uncached.load.latencyMs.p95, display: `${fmt(runs.uncached.load.latencyMs.p95)} ms (${r('uncached').toFixed(1)}× live p95)`, met: null },
      { name: 'Cached p95 (reported)', target: '—', value: runs.cached.load.latencyMs.p95, display: `${fmt(runs.cached.load.latencyMs.p95)} ms (${r('cached').toFixed(1)}× live p95)`, met: null },
      { name: 'Non-2xx', target: '0', value: failed, display: String(failed), met: failed === 0 },
    ];
    return {
      ...resultHead(ctx, 'analytics', 5, 'Dashboard analytics', startedAt),
      status: statusOf(targets),
      setup: {
        feedbackSessions: seeded.feedbackSessions,
        transactions: seeded.transactions,
        businesses: businessIds.length,
        locations: LOCATIONS,
        days: DAYS,
        seedSeconds: Math.round(seeded.seconds * 10) / 10,
        connections: CONNECTIONS,
        durationSec: ctx.durationSec,
        warmupSec: ctx.warmupSec,
        activeBusinesses: ACTIVE_BUSINESSES,
        slowestFirstViewMs: firstViewMs,
        loadShedding: 'off (LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS=0)',
        load: 'GET …/dashboard/overview and …/dashboard/insights in turn, uncached = a never-repeated date range per request, round-robin over all businesses; cached = last 7 / last 30 days of the active businesses (each view computed once before the run); mix = 80 % cached views, 20 % one-off ranges',
      },
      measured: loadFigures(runs.mix, { cacheHitRatio: hits.mix, uncached: loadFigures(runs.uncached, { cacheHitRatio: hits.uncached }), cached: loadFigures(runs.cached, { cacheHitRatio: hits.cached }) }),
      baseline: loadFigures(runs.live, { endpoint: 'GET /api/health/live' }),
      ratios: { mixP95: r('mix'), uncachedP95: r('uncached'), cachedP95: r('cached') },
      targets,
      notes: [
        'The cache is the server\'s own (in-process LRU without REDIS_URL); its key carries a freshness stamp (newest feedback of the business), so each request also runs two index-only MAX lookups.',
        'Hit ratios are read from dashboard_cache_requests_total{result} before and after each run and include the run\'s warm-up.',
      ],
    };
  } finally {
    await db.drop();
  }
}
