import type { Db } from '../../src/db/database.js';
import { APPLY_EVENT_JOB } from '../../src/pos/ingest-service.js';
import { readClaims } from './process-db.js';
import type { EventOutcome, PlannedEvent } from './process-load.js';

/** What the database holds after a run, checked against what the clients were told. */
export interface InboundReport {
  acknowledged: number;
  stored: number;
  /** Acknowledged (2xx) but not in webhook_events: the loss this test exists to catch. */
  ackedMissing: number;
  /** More than one row for one provider event id. */
  storedTwice: number;
  /** Stored but never acknowledged (allowed: the answer was lost and the client gave up). */
  storedNotAcked: number;
  notProcessed: number;
  salesExpected: number;
  transactions: number;
  transactionsMissing: number;
  transactionsWrongAmount: number;
  refundsExpected: number;
  refundsWrong: number;
  applyJobs: number;
  applyJobsDone: number;
  applyJobsNotDone: number;
  eventsWithoutJob: number;
  eventsWithSeveralJobs: number;
  /** Jobs that ran more than once: claimed by a worker that was SIGKILLed, then re-run (idempotently). */
  applyJobsRerun: number;
  /** jobsClaimedTwice: the same attempt of a job claimed twice (two workers at once); retries: later attempts after a failed one. */
  claims?: { total: number; jobsClaimedTwice: number; retries: number; byWorker: Record<string, number> };
  samples: string[];
}

const keyOf = (connectionId: string, id: string) => `${connectionId}:${id}`;

async function storedEvents(db: Db, connectionIds: string[]) {
  return db.kysely.selectFrom('webhook_events').select(['id', 'connection_id', 'event_id', 'status']).where('connection_id', 'in', connectionIds).execute();
}

async function storedTransactions(db: Db, connectionIds: string[]) {
  return db.kysely.selectFrom('transactions').select(['connection_id', 'external_id', 'amount_minor', 'refunded_amount_minor']).where('connection_id', 'in', connectionIds).execute();
}

export async function verifyInbound(db: Db, events: PlannedEvent[], outcomes: Map<string, EventOutcome>, opts: { claims: boolean }): Promise<InboundReport> {
  const connectionIds = [...new Set(events.map((e) => e.connectionId))];
  const samples: string[] = [];
  const note = (s: string) => samples.length < 10 && samples.push(s);
  const rows = await storedEvents(db, connectionIds);
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) byKey.set(keyOf(r.connection_id, r.event_id), [...(byKey.get(keyOf(r.connection_id, r.event_id)) ?? []), r]);
  const acked = events.filter((e) => outcomes.get(e.key)?.acked);
  const ackedKeys = new Set(acked.map((e) => e.key));
  const ackedMissing = acked.filter((e) => !byKey.has(e.key));
  ackedMissing.slice(0, 5).forEach((e) => note(`acknowledged but missing: ${e.provider} ${e.eventId}`));
  const report: InboundReport = {
    acknowledged: acked.length,
    stored: rows.length,
    ackedMissing: ackedMissing.length,
    storedTwice: [...byKey.values()].filter((v) => v.length > 1).length,
    storedNotAcked: [...byKey.keys()].filter((k) => !ackedKeys.has(k)).length,
    notProcessed: rows.filter((r) => r.status !== 'processed').length,
    ...(await checkTransactions(db, connectionIds, acked, note)),
    ...(await checkJobs(db, rows, note)),
    samples,
  };
  if (opts.claims) report.claims = await claimSummary(db);
  return report;
}

async function checkTransactions(db: Db, connectionIds: string[], acked: PlannedEvent[], note: (s: string) => void) {
  const txs = await storedTransactions(db, connectionIds);
  const byExternal = new Map(txs.map((t) => [keyOf(t.connection_id, t.external_id), t]));
  const refunds = new Map<string, number>();
  for (const e of acked) if (e.refund) refunds.set(keyOf(e.connectionId, e.refund.externalPaymentId), (refunds.get(keyOf(e.connectionId, e.refund.externalPaymentId)) ?? 0) + e.refund.amountMinor);
  const sales = acked.filter((e) => e.sale);
  let missing = 0;
  let wrongAmount = 0;
  let refundsWrong = 0;
  for (const e of sales) {
    const t = byExternal.get(keyOf(e.connectionId, e.sale!.externalId));
    if (!t) {
      missing += 1;
      note(`sale without transaction: ${e.provider} ${e.sale!.externalId}`);
      continue;
    }
    if (Number(t.amount_minor) !== e.sale!.amountMinor) wrongAmount += 1;
    const expectedRefund = refunds.get(keyOf(e.connectionId, e.sale!.externalId)) ?? 0;
    if (Number(t.refunded_amount_minor) !== expectedRefund) {
      refundsWrong += 1;
      note(`refund total ${t.refunded_amount_minor} ≠ ${expectedRefund} for ${e.sale!.externalId}`);
    }
  }
  return { salesExpected: sales.length, transactions: txs.length, transactionsMissing: missing, transactionsWrongAmount: wrongAmount, refundsExpected: refunds.size, refundsWrong };
}

async function checkJobs(db: Db, rows: { id: string }[], note: (s: string) => void) {
  const jobs = await db.kysely.selectFrom('jobs').select(['id', 'payload', 'status', 'attempts']).where('type', '=', APPLY_EVENT_JOB).execute();
  const jobsByEvent = new Map<string, number>();
  for (const j of jobs) {
    const { eventRowId } = JSON.parse(j.payload) as { eventRowId: string };
    jobsByEvent.set(eventRowId, (jobsByEvent.get(eventRowId) ?? 0) + 1);
  }
  const withoutJob = rows.filter((r) => !jobsByEvent.has(r.id));
  withoutJob.slice(0, 3).forEach((r) => note(`event row ${r.id} has no apply job`));
  const notDone = jobs.filter((j) => j.status !== 'done');
  notDone.slice(0, 3).forEach((j) => note(`apply job ${j.id} is ${j.status}`));
  return {
    applyJobs: jobs.length,
    applyJobsDone: jobs.length - notDone.length,
    applyJobsNotDone: notDone.length,
    eventsWithoutJob: withoutJob.length,
    eventsWithSeveralJobs: [...jobsByEvent.values()].filter((n) => n > 1).length,
    applyJobsRerun: jobs.filter((j) => j.attempts > 1).length,
  };
}

async function claimSummary(db: Db): Promise<NonNullable<InboundReport['claims']>> {
  const claims = await readClaims(db, APPLY_EVENT_JOB);
  const perJob = new Map<string, number>();
  const perAttempt = new Map<string, number>();
  const byWorker: Record<string, number> = {};
  for (const c of claims) {
    perJob.set(c.job_id, (perJob.get(c.job_id) ?? 0) + 1);
    const key = `${c.job_id}#${c.attempt ?? '?'}`;
    perAttempt.set(key, (perAttempt.get(key) ?? 0) + 1);
    const worker = c.locked_by ?? 'unknown';
    byWorker[worker] = (byWorker[worker] ?? 0) + 1;
  }
  const retries = [...perJob.values()].reduce((sum, n) => sum + n - 1, 0);
  return { total: claims.length, jobsClaimedTwice: [...perAttempt.values()].filter((n) => n > 1).length, retries, byWorker };
}
