/**
 * Scenario 1 — webhook ingest. Signed Square/Shopify/Zettle sales with unique event ids, 50 connections,
 * against the real route (signature, parse, ownership check, durable commit of event + apply job), and
 * against a bare Fastify route that only parses the same JSON bodies, in the same run.
 * Targets: throughput ≥ 40 % of the bare route; p99 < 5× the bare p99; zero non-2xx.
 */
import type autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import { createThrowaway, serverEnv } from '../lib/env.js';
import { seedData, type SeededConnection } from '../lib/seed.js';
import { startBare, startKvittra, type ChildServer } from '../lib/server.js';
import { signedSale } from '../lib/payloads.js';
import { prng } from '../lib/swedish.js';
import { failures } from '../lib/load.js';
import { fmt, ratio, statusOf, type ScenarioResult, type Target } from '../lib/results.js';
import { loadFigures, measure, resultHead, type Measured, type ScenarioContext } from '../lib/scenario.js';

const CONNECTIONS = 50;
const POS_CONNECTIONS = 12;

function webhookRequests(conns: SeededConnection[], seed: number): autocannon.Request[] {
  const rng = prng(seed);
  let i = 0;
  return [
    {
      method: 'POST',
      setupRequest: (req) => {
        const wh = signedSale(conns[i++ % conns.length]!, rng);
        return { ...req, path: wh.path, headers: wh.headers, body: wh.body };
      },
    },
  ];
}

interface Drain {
  backlogAtEnd: number;
  seconds: number;
  left: number;
  appliedPerSec: number;
}

/** After the load: how many apply jobs were still queued, and how fast the idle server works them off. */
async function drainQueue(server: ChildServer, maxSec: number): Promise<Drain> {
  const started = performance.now();
  const count = async () => {
    const d = (await server.queueDepth()) ?? {};
    return (d.pending ?? 0) + (d.running ?? 0);
  };
  const backlogAtEnd = await count();
  for (;;) {
    const left = await count();
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    if (left === 0 || seconds >= maxSec) return { backlogAtEnd, seconds, left, appliedPerSec: seconds > 0 ? Math.round((backlogAtEnd - left) / seconds) : 0 };
    await sleep(250);
  }
}

export async function runIngest(ctx: ScenarioContext): Promise<ScenarioResult> {
  const startedAt = new Date();
  const db = await createThrowaway(ctx.backend, 'ingest');
  try {
    const seeded = await seedData(db.seedTarget, { transactions: 0, locations: POS_CONNECTIONS, days: 1, feedback: 0, locationsPerBusiness: 3 });
    const spec = { url: '', connections: CONNECTIONS, durationSec: ctx.durationSec };

    ctx.log('  baseline: bare Fastify route parsing the same JSON bodies');
    const bare = await startBare('ingest-bare');
    const base = await measure(ctx, bare, { ...spec, url: bare.url, title: 'bare Fastify JSON route', requests: webhookRequests(seeded.connections, 1) }).finally(() => bare.stop());

    ctx.log('  Kvittra: POST /webhooks/{square|shopify|zettle}/:connectionId');
    const server = await startKvittra('ingest-server', serverEnv(db), { nodeArgs: ctx.nodeArgs });
    let drain: Drain;
    const run = await (async () => {
      try {
        const m = await measure(ctx, server, { ...spec, url: server.url, title: 'webhook ingest', requests: webhookRequests(seeded.connections, 2) });
        drain = await drainQueue(server, ctx.quick ? 20 : 45);
        ctx.log(`  apply backlog after the run: ${drain.backlogAtEnd} events; ${drain.left} left after ${drain.seconds} s idle (${drain.appliedPerSec}/s)`);
        return m;
      } finally {
        await server.stop();
      }
    })();

    // What the same run gives without the per-commit fsync (SQLite only): separates disk from CPU cost.
    let normal: Measured | null = null;
    if (ctx.backend === 'sqlite') {
      ctx.log('  variant: the same with SQLITE_SYNCHRONOUS=NORMAL (not durable against power loss; for comparison only)');
      const db2 = await createThrowaway(ctx.backend, 'ingest-normal');
      try {
        const seeded2 = await seedData(db2.seedTarget, { transactions: 0, locations: POS_CONNECTIONS, days: 1, feedback: 0, locationsPerBusiness: 3 });
        const s2 = await startKvittra('ingest-normal-server', serverEnv(db2, { SQLITE_SYNCHRONOUS: 'NORMAL' }));
        normal = await measure(ctx, s2, { ...spec, url: s2.url, title: 'webhook ingest, synchronous=NORMAL', requests: webhookRequests(seeded2.connections, 3) }).finally(() => s2.stop());
      } finally {
        await db2.drop();
      }
    }

    const throughputRatio = ratio(run.load.rps, base.load.rps);
    const p99Ratio = ratio(run.load.latencyMs.p99, base.load.latencyMs.p99);
    const failed = failures(run.load);
    const targets: Target[] = [
      { name: 'Throughput vs bare Fastify JSON route', target: '≥ 0.40×', value: throughputRatio, display: `${throughputRatio.toFixed(2)}× (${run.load.rps.toFixed(0)} vs ${base.load.rps.toFixed(0)} req/s)`, met: throughputRatio >= 0.4 },
      { name: 'p99 vs bare route p99', target: '< 5×', value: p99Ratio, display: `${p99Ratio.toFixed(2)}× (${fmt(run.load.latencyMs.p99)} vs ${fmt(base.load.latencyMs.p99)} ms)`, met: p99Ratio < 5 },
      { name: 'Non-2xx and errors', target: '0', value: failed, display: `${run.load.non2xx} non-2xx, ${run.load.errors} errors, ${run.load.timeouts} timeouts`, met: failed === 0 },
    ];
    return {
      ...resultHead(ctx, 'ingest', 1, 'Webhook ingest', startedAt),
      status: statusOf(targets),
      setup: {
        connections: CONNECTIONS,
        durationSec: ctx.durationSec,
        warmupSec: ctx.warmupSec,
        posConnections: `${POS_CONNECTIONS} (square, shopify, zettle in turn)`,
        payloads: 'a new signed sale per request (unique event and payment ids), realistic SEK amounts; the same generator feeds both servers',
        server: `built server (server/dist), NODE_ENV=production, LOG_LEVEL=warn, ${ctx.backend === 'sqlite' ? 'SQLite WAL synchronous=FULL with group commit' : 'PostgreSQL'}; webhook rate limit lifted (the limiter still runs)`,
      },
      measured: loadFigures(run, { applyBacklog: drain! }),
      baseline: loadFigures(base),
      ratios: { throughput: throughputRatio, p99: p99Ratio },
      targets,
      details: normal ? { synchronousNormal: { rps: normal.load.rps, latencyMs: normal.load.latencyMs, non2xx: normal.load.non2xx, throughputVsBare: ratio(normal.load.rps, base.load.rps), p99VsBare: ratio(normal.load.latencyMs.p99, base.load.latencyMs.p99) } } : undefined,
      notes: [
        'The bare baseline runs in its own process with the default Fastify JSON parser and no plugins; the Kvittra server additionally verifies the HMAC, validates and normalises the payload, checks the merchant/location and commits event + apply job durably before answering 2xx.',
        `Applying the stored events to transactions happens in the in-process job queue while load runs; ${drain!.backlogAtEnd} events were still queued when the load stopped, worked off at ${drain!.appliedPerSec}/s once idle${drain!.left ? ` (${drain!.left} left after ${drain!.seconds} s)` : ''}.`,
      ],
    };
  } finally {
    await db.drop();
  }
}
