/**
 * Scenario 6 — outbound delivery: N signed Standard Webhooks deliveries from the server to a local
 * receiver (this process) versus a raw undici POST loop to the same receiver in the same run, at the
 * same concurrency as the server's delivery pool. The server runs as in production, with
 * OUTBOUND_WEBHOOK_ALLOW_LOOPBACK so it may deliver to 127.0.0.1. Events are queued through the API (the
 * endpoint's test event) while the workers already deliver, as in real traffic; the clock runs from the
 * first queued event to the last delivery.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { createThrowaway, serverEnv, BENCH_ADMIN_TOKEN } from '../lib/env.js';
import { startKvittra, sampleMemory } from '../lib/server.js';
import { ratio, type ScenarioResult, type Target } from '../lib/results.js';
import { resultHead, type ScenarioContext } from '../lib/scenario.js';

const CONCURRENCY = 16; // the server's outbound in-flight limit (delivery/runtime.ts MAX_IN_FLIGHT)
const EMITTERS = 8;

interface Receiver {
  url: string;
  ids: Set<string>;
  received: number;
  waitFor(n: number, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Answers 204 at once; counts deliveries by webhook-id (duplicates visible as received > ids.size). */
async function startReceiver(): Promise<Receiver> {
  const ids = new Set<string>();
  const state = { received: 0 };
  let waiter: { n: number; resolve: (t: number) => void } | null = null;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      if (typeof id === 'string') ids.add(id);
      state.received += 1;
      res.writeHead(204).end();
      if (waiter && state.received >= waiter.n) waiter.resolve(performance.now());
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    ids,
    get received() {
      return state.received;
    },
    waitFor: (n, timeoutMs) =>
      new Promise((resolve, reject) => {
        if (state.received >= n) return resolve(performance.now());
        const timer = setTimeout(() => reject(new Error(`only ${state.received} of ${n} deliveries arrived within ${timeoutMs} ms`)), timeoutMs);
        waiter = {
          n,
          resolve: (t) => {
            clearTimeout(timer);
            resolve(t);
          },
        };
      }),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function adminJson(base: string, method: string, path: string, body?: unknown): Promise<{ id: string }> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as { id: string };
}

/** The baseline: the same number of POSTs with the same concurrency, straight from undici. */
async function rawPostLoop(url: string, n: number): Promise<number> {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: CONCURRENCY });
  const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { bench: true } });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        next += 1;
        const res = await pool.request({ path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.body.dump();
      }
    }),
  );
  const sec = (performance.now() - t0) / 1000;
  await pool.close();
  return sec;
}

export async function runOutbound(ctx: ScenarioContext): Promise<ScenarioResult> {
  const startedAt = new Date();
  const n = ctx.quick ? 500 : 3000;
  const receiver = await startReceiver();
  const db = await createThrowaway(ctx.backend, 'outbound');
  const server = await startKvittra('outbound', serverEnv(db, { OUTBOUND_WEBHOOK_ALLOW_LOOPBACK: 'true', RATE_LIMIT_ADMIN_PER_MINUTE: '10000000', QUEUE_POLL_INTERVAL_MS: '50' }), { nodeArgs: ctx.nodeArgs });
  try {
    const business = await adminJson(server.url, 'POST', '/admin/businesses', { name: 'Bench Webhooks AB', orgNumber: '556016-0680', businessType: 'cafe', email: 'bench@example.se' });
    const endpoint = await adminJson(server.url, 'POST', `/admin/businesses/${business.id}/webhook-endpoints`, { url: receiver.url, eventTypes: ['feedback.scored'], description: 'bench receiver' });
    const testPath = `/admin/businesses/${business.id}/webhook-endpoints/${endpoint.id}/test`;

    ctx.log(`  queueing ${n} signed deliveries through the API and delivering them to ${receiver.url}`);
    const rss = sampleMemory(server, 500);
    const t0 = performance.now();
    let queued = 0;
    await Promise.all(
      Array.from({ length: EMITTERS }, async () => {
        while (queued < n) {
          queued += 1;
          await adminJson(server.url, 'POST', testPath);
        }
      }),
    );
    const queuedSec = (performance.now() - t0) / 1000;
    const tEnd = await receiver.waitFor(n, 10 * 60_000);
    const kvittraSec = (tEnd - t0) / 1000;
    const mem = rss.stop();
    const received = receiver.received;
    const unique = receiver.ids.size;

    ctx.log(`  Kvittra: ${n} deliveries in ${kvittraSec.toFixed(2)} s (${(n / kvittraSec).toFixed(0)}/s; queueing took ${queuedSec.toFixed(2)} s); ${unique} unique webhook-ids`);
    const baseSec = await rawPostLoop(receiver.url, n);
    ctx.log(`  raw undici POST loop: ${n} in ${baseSec.toFixed(2)} s (${(n / baseSec).toFixed(0)}/s)`);

    const kvRate = Math.round((n / kvittraSec) * 10) / 10;
    const baseRate = Math.round((n / baseSec) * 10) / 10;
    const rateRatio = ratio(kvRate, baseRate);
    const targets: Target[] = [
      { name: 'Every queued delivery arrives exactly once', target: `${n} unique webhook-ids, no duplicates`, value: unique, display: `${unique} unique of ${received} received`, met: unique === n && received === n },
      { name: 'Deliveries per second vs raw undici POST loop', target: 'reported (no target set by the issue)', value: rateRatio, display: `${rateRatio}× (${kvRate}/s vs ${baseRate}/s)`, met: null },
    ];
    return {
      ...resultHead(ctx, 'outbound', 6, 'Outbound delivery', startedAt),
      status: targets.some((t) => t.met === false) ? 'missed' : 'met',
      setup: { deliveries: n, concurrency: CONCURRENCY, emitters: EMITTERS, queue: ctx.backend === 'postgres' ? 'PostgreSQL job queue' : 'SQLite job queue', receiver: 'node:http on 127.0.0.1 answering 204', event: 'webhook.test via POST …/webhook-endpoints/:id/test (signed with standardwebhooks)' },
      measured: { deliveriesPerSec: kvRate, totalSec: Math.round(kvittraSec * 100) / 100, queueingSec: Math.round(queuedSec * 100) / 100, received, uniqueWebhookIds: unique, rssMb: mem },
      baseline: { deliveriesPerSec: baseRate, totalSec: Math.round(baseSec * 100) / 100, what: `undici Pool, ${CONCURRENCY} connections, unsigned POSTs of a similar body` },
      ratios: { deliveriesPerSec: rateRatio },
      targets,
      notes: [
        'Kvittra\'s figure includes queueing each event through the admin API (one durable insert of event + delivery per call) while the workers deliver: signing, the per-endpoint circuit breaker, the attempt record and the delivery row update per message.',
      ],
    };
  } finally {
    await server.stop();
    await receiver.close();
    await db.drop();
  }
}
