import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { APPLY_EVENT_JOB } from '../../../src/pos/ingest-service.js';
import { setupConnection } from '../../helpers/fixtures.js';
import { createScratchPostgres, installClaimRecorder, openInspector, waitForJobsToSettle } from '../../helpers/process-db.js';
import { planEvents, processAdmin, seededRandom, sendAll, setupConnections, type EventOutcome, type LoadStats } from '../../helpers/process-load.js';
import { freePort, serverEnv, startServerProcess, type ServerProcess } from '../../helpers/process-server.js';
import { verifyInbound, type InboundReport } from '../../helpers/process-verify.js';
import { registerReceiverEndpoints, verifyOutbound, waitForDeliveriesToSettle, type OutboundReport } from '../../helpers/process-outbound.js';
import { startReceiver } from '../../helpers/process-receiver.js';

export const REDIS_URL = process.env.KVITTRA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface MultiOptions {
  events: number;
  seed: number;
  /** RATE_LIMIT_WEBHOOKS_PER_MINUTE of both instances; the bulk traffic stays under it per connection. */
  rateLimit: number;
  /** Requests sent to the rate-limited connection, alternating between the instances. */
  limitedRequests: number;
  sendBudgetMs: number;
}

export interface MultiResult {
  summary: Record<string, unknown>;
  bulk: LoadStats;
  report: InboundReport;
  settled: Record<string, number>;
  /** Apply-job claims by instance (A/B), from the claim recorder. */
  claimsByInstance: Record<string, number>;
  outbound: OutboundReport;
  outboundSettled: Record<string, number>;
  /** Outbound delivery claims by instance (A/B). */
  deliveryClaimsByInstance: Record<string, number>;
  limited: { accepted: number; rejected429: number; acceptedByInstance: Record<string, number>; rejectedByInstance: Record<string, number>; other: number };
}

async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    return keys.length;
  } finally {
    redis.disconnect();
  }
}

/** Which instance a queue worker id (`host:pid:random`) belongs to. */
function instanceOf(workerId: string, instances: Record<string, ServerProcess>): string {
  const pid = Number(workerId.split(':')[1]);
  return Object.entries(instances).find(([, p]) => p.pid === pid)?.[0] ?? `other(${workerId})`;
}

/**
 * Two server processes on one PostgreSQL database and one Redis (own key prefix); webhooks alternate
 * between them. Afterwards: transactions exactly once, each apply job claimed by exactly one
 * worker, and one connection's rate limit enforced on the two instances' combined traffic.
 */
export async function runMultiInstanceScenario(opts: MultiOptions): Promise<MultiResult> {
  const started = Date.now();
  const rand = seededRandom(opts.seed);
  const pgDb = await createScratchPostgres('kvittra_multi');
  const prefix = `kvittra-zl-${randomUUID()}:`;
  const dirs = [mkdtempSync(path.join(tmpdir(), 'kvittra-multi-a-')), mkdtempSync(path.join(tmpdir(), 'kvittra-multi-b-'))];
  // Nothing is killed here, so the default lease: a job is re-claimed only if its worker died.
  const extra = { REDIS_URL, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_WEBHOOKS_PER_MINUTE: String(opts.rateLimit), QUEUE_LEASE_MS: '60000', OUTBOUND_WEBHOOK_BACKOFF_BASE_MS: '100', OUTBOUND_WEBHOOK_BACKOFF_MAX_MS: '2000' };
  const envOf = async (dataDir: string) => serverEnv({ port: await freePort(), dataDir, databaseUrl: pgDb.url, extra });
  const procs: ServerProcess[] = [];
  const receiver = await startReceiver();
  const inspector = openInspector(pgDb.url);
  try {
    // A migrates first; the claim recorder goes in before B starts and before any job exists.
    const a = await startServerProcess(await envOf(dirs[0]!), 'instance A');
    procs.push(a);
    await installClaimRecorder(inspector);
    const b = await startServerProcess(await envOf(dirs[1]!), 'instance B');
    procs.push(b);
    const instances = { A: a, B: b };

    const conns = await setupConnections(a.baseUrl, 3);
    // Created through B: A knows it only through the shared database.
    const limitedConn = Object.assign(await setupConnection(processAdmin(b.baseUrl), 'square'), { provider: 'square' as const });
    await registerReceiverEndpoints(a.baseUrl, [...conns.map((c) => c.businessId), limitedConn.businessId], receiver);
    const events = planEvents(conns, opts.events, rand, `m${opts.seed}`);
    const limitedEvents = planEvents([limitedConn], opts.limitedRequests, rand, `ml${opts.seed}`);
    const targetOf = (i: number) => (i % 2 === 0 ? a.baseUrl : b.baseUrl);
    const deadline = Date.now() + opts.sendBudgetMs;

    const bulk = await sendAll(events, { concurrency: 16, target: targetOf, retry: true, deadline });
    const limitedRun = await sendAll(limitedEvents, { concurrency: 4, target: targetOf, retry: false, deadline });
    const limited = limitedCounts(limitedEvents.map((e, i) => ({ instance: i % 2 === 0 ? 'A' : 'B', outcome: limitedRun.outcomes.get(e.key)! })));

    const settled = await waitForJobsToSettle(inspector, APPLY_EVENT_JOB, 90_000);
    const outboundSettled = await waitForDeliveriesToSettle(inspector, 90_000);
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    const outcomes = new Map<string, EventOutcome>([...bulk.outcomes, ...limitedRun.outcomes]);
    const report = await verifyInbound(inspector, [...events, ...limitedEvents], outcomes, { claims: true });
    const outbound = await verifyOutbound(inspector, receiver);
    const claimsByInstance = byInstance(report.claims?.byWorker ?? {}, instances);
    const deliveryClaimsByInstance = byInstance(outbound.claimsByWorker, instances);
    const summary = {
      seed: opts.seed,
      instances: 2,
      sent: bulk.stats.sent,
      acknowledged: bulk.stats.acknowledged,
      retriedEvents: bulk.stats.retriedEvents,
      statuses: bulk.stats.statuses,
      stored: report.stored,
      ackedMissing: report.ackedMissing,
      storedNotAcked: report.storedNotAcked,
      transactions: report.transactions,
      salesExpected: report.salesExpected,
      applyJobs: report.applyJobs,
      applyJobsDone: report.applyJobsDone,
      claims: report.claims?.total,
      jobsClaimedTwice: report.claims?.jobsClaimedTwice,
      jobRetries: report.claims?.retries,
      claimsByInstance,
      outbound: { ...outbound, samples: undefined, claimsByWorker: undefined, settled: outboundSettled, claimsByInstance: deliveryClaimsByInstance },
      rateLimit: { limitPerMinute: opts.rateLimit, sent: opts.limitedRequests, ...limited },
      settled,
      durationMs: Date.now() - started,
    };
    return { summary, bulk: bulk.stats, report, settled, claimsByInstance, limited, outbound, outboundSettled, deliveryClaimsByInstance };
  } finally {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await receiver.close();
    await inspector.close();
    await pgDb.drop();
    await deleteRedisKeys(prefix).catch(() => 0);
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  }
}

function byInstance(byWorker: Record<string, number>, instances: Record<string, ServerProcess>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [worker, n] of Object.entries(byWorker)) {
    const name = instanceOf(worker, instances);
    out[name] = (out[name] ?? 0) + n;
  }
  return out;
}

function limitedCounts(sent: { instance: string; outcome: EventOutcome }[]): MultiResult['limited'] {
  const acceptedByInstance: Record<string, number> = { A: 0, B: 0 };
  const rejectedByInstance: Record<string, number> = { A: 0, B: 0 };
  let accepted = 0;
  let rejected429 = 0;
  for (const { instance, outcome } of sent) {
    if (outcome.acked) {
      accepted += 1;
      acceptedByInstance[instance] = (acceptedByInstance[instance] ?? 0) + 1;
    } else if (outcome.lastStatus === 429) {
      rejected429 += 1;
      rejectedByInstance[instance] = (rejectedByInstance[instance] ?? 0) + 1;
    }
  }
  return { accepted, rejected429, acceptedByInstance, rejectedByInstance, other: sent.length - accepted - rejected429 };
}
