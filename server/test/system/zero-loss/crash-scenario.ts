import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APPLY_EVENT_JOB } from '../../../src/pos/ingest-service.js';
import { createScratchPostgres, installClaimRecorder, openInspector, waitForJobsToSettle } from '../../helpers/process-db.js';
import { planEvents, seededRandom, sendAll, setupConnections, type LoadStats } from '../../helpers/process-load.js';
import { freePort, serverEnv, startServerProcess, type ServerProcess } from '../../helpers/process-server.js';
import { verifyInbound, type InboundReport } from '../../helpers/process-verify.js';
import { registerReceiverEndpoints, verifyOutbound, waitForDeliveriesToSettle, type OutboundReport } from '../../helpers/process-outbound.js';
import { startReceiver } from '../../helpers/process-receiver.js';
import { progress } from './results.js';

export interface CrashOptions {
  backend: 'sqlite' | 'postgres';
  events: number;
  kills: number;
  seed: number;
  concurrency: number;
  /** Clients stop retrying after this long; the assertions then show what was still unacknowledged. */
  sendBudgetMs: number;
}

export interface CrashResult {
  summary: Record<string, unknown>;
  stats: LoadStats;
  report: InboundReport;
  settled: Record<string, number>;
  killsDone: number;
  outbound: OutboundReport;
  outboundSettled: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One kill point per equal slice of 10–85 % of the events, so every kill lands mid-traffic. */
function killPlan(rand: () => number, events: number, kills: number): { atAck: number; delayMs: number }[] {
  const span = 0.75 / kills;
  return Array.from({ length: kills }, (_, i) => ({ atAck: Math.floor(events * (0.1 + span * i + span * rand())), delayMs: Math.floor(rand() * 40) }));
}

/**
 * Sends signed webhooks from concurrent clients while the server process is SIGKILLed and restarted
 * on the same database; clients retry until they get a 2xx, like a provider. Then waits for the job
 * queue to settle and reads back what the database holds.
 */
export async function runCrashScenario(opts: CrashOptions): Promise<CrashResult> {
  const started = Date.now();
  const rand = seededRandom(opts.seed);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kvittra-crash-'));
  const pgDb = opts.backend === 'postgres' ? await createScratchPostgres('kvittra_crash') : null;
  const databaseUrl = pgDb?.url ?? path.join(dataDir, 'crash.sqlite');
  // Outbound: fast retries and a short send timeout (the delivery lease is timeout + 30 s).
  const outboundEnv = { OUTBOUND_WEBHOOK_TIMEOUT_MS: '2000', OUTBOUND_WEBHOOK_BACKOFF_BASE_MS: '100', OUTBOUND_WEBHOOK_BACKOFF_MAX_MS: '2000' };
  const env = serverEnv({ port: await freePort(), dataDir, databaseUrl, extra: outboundEnv });
  const receiver = await startReceiver();
  let server: ServerProcess | null = await startServerProcess(env, 'crash server');
  const processes: ServerProcess[] = [server];
  const inspector = openInspector(databaseUrl);
  try {
    await installClaimRecorder(inspector);
    const conns = await setupConnections(server.baseUrl, 2);
    await registerReceiverEndpoints(server.baseUrl, conns.map((c) => c.businessId), receiver);
    const events = planEvents(conns, opts.events, rand, `c${opts.backend}${opts.seed}`);
    // Clients follow the server: a restart keeps its port unless another process took it meanwhile.
    let baseUrl = server.baseUrl;
    progress(`${opts.backend}: server up, ${events.length} events planned`);
    let acked = 0;
    const deadline = Date.now() + opts.sendBudgetMs;
    const sending = sendAll(events, { concurrency: opts.concurrency, target: () => baseUrl, retry: true, deadline, onAck: () => (acked += 1) });
    const killedAt: number[] = [];
    const restartMs: number[] = [];
    for (const kill of killPlan(rand, opts.events, opts.kills)) {
      while (acked < kill.atAck && Date.now() < deadline && !server.unexpectedExit()) await sleep(2);
      if (server.unexpectedExit()) break;
      if (Date.now() >= deadline) break;
      await sleep(kill.delayMs);
      killedAt.push(acked);
      progress(`SIGKILL ${server.pid} at ${acked} acknowledged`);
      await server.kill('SIGKILL');
      server = null;
      const restartAt = Date.now();
      server = await startServerProcess(env, 'restarted crash server');
      baseUrl = server.baseUrl;
      restartMs.push(Date.now() - restartAt);
      progress(`restarted as ${server.pid} in ${Date.now() - restartAt} ms`);
      processes.push(server);
    }
    const { stats, outcomes } = await sending;
    const sendMs = Date.now() - started;
    progress(`sending finished: ${stats.acknowledged}/${stats.sent} acknowledged`);
    const settled = await waitForJobsToSettle(inspector, APPLY_EVENT_JOB, 90_000);
    progress(`apply jobs settled: ${JSON.stringify(settled)}`);
    // A killed worker's in-flight deliveries come back when their lease ends; the server keeps running meanwhile.
    const outboundSettled = await waitForDeliveriesToSettle(inspector, 120_000);
    progress(`deliveries settled: ${JSON.stringify(outboundSettled)}`);
    await server.kill('SIGTERM');
    server = null;
    const report = await verifyInbound(inspector, events, outcomes, { claims: true });
    const outbound = await verifyOutbound(inspector, receiver);
    const summary = {
      backend: opts.backend,
      seed: opts.seed,
      kills: killedAt.length,
      killedAtAcks: killedAt,
      restartMs,
      processes: processes.length,
      unexpectedExits: processes.map((p) => p.unexpectedExit()).filter((x) => x !== null),
      sent: stats.sent,
      attempts: stats.attempts,
      acknowledged: stats.acknowledged,
      retriedEvents: stats.retriedEvents,
      duplicateAcks: stats.duplicateAcks,
      networkErrors: stats.networkErrors,
      statuses: stats.statuses,
      stored: report.stored,
      ackedMissing: report.ackedMissing,
      storedTwice: report.storedTwice,
      applied: report.stored - report.notProcessed,
      transactions: report.transactions,
      salesExpected: report.salesExpected,
      refundsExpected: report.refundsExpected,
      applyJobs: report.applyJobs,
      applyJobsDone: report.applyJobsDone,
      applyJobsRerun: report.applyJobsRerun,
      claims: report.claims?.total,
      jobsClaimedTwice: report.claims?.jobsClaimedTwice,
      jobRetries: report.claims?.retries,
      settled,
      outbound: { ...outbound, samples: undefined, claimsByWorker: undefined, settled: outboundSettled },
      sendMs,
      durationMs: Date.now() - started,
    };
    return { summary, stats, report, settled, killsDone: killedAt.length, outbound, outboundSettled };
  } finally {
    await server?.kill('SIGKILL');
    await receiver.close();
    await inspector.close();
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
