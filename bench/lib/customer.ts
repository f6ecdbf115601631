/**
 * The customer over HTTP, as the customer app does it (adapted from server/test/helpers/customer.ts):
 * QR session → verify the purchase (amount, time, card last 4) → text feedback, finished at once and
 * scored → register the Swish number for the reward. Each virtual customer is one autocannon connection
 * running the steps as a request sequence; every pass takes a new real purchase from the seeded data,
 * and has its own device id and client address (X-Forwarded-For, trusted from loopback only).
 */
import type autocannon from 'autocannon';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type * as hdr from 'hdr-histogram-js';
import type { DatabaseTarget } from '../../server/src/config/load.js';
import { CONSENT_VERSION } from '../../server/src/feedback/consent.js';
import { newHistogram, latencyOf, type LatencyStats } from './load.js';
import { feedbackText, formatSek, prng, swedishMobile } from './swedish.js';

export interface Purchase {
  qrToken: string;
  amountMinor: number;
  occurredAt: string;
  cardLast4: string;
}

/**
 * Unclaimed completed card purchases young enough to be verified (13 of the default 14 days), in random
 * order; each pass of a virtual customer consumes one.
 */
export async function pickPurchases(database: DatabaseTarget, limit: number, now = new Date()): Promise<Purchase[]> {
  const since = new Date(now.getTime() - 13 * 86_400_000).toISOString();
  const sql = `select l.qr_token as "qrToken", t.amount_minor as "amountMinor", t.occurred_at as "occurredAt", t.card_last4 as "cardLast4"
    from transactions t join locations l on l.id = t.location_id
    where t.status = 'completed' and t.card_last4 is not null and t.occurred_at >= $since
      and not exists (select 1 from feedback_sessions s where s.transaction_id = t.id)
    order by random() limit $limit`;
  if (database.kind === 'sqlite') {
    const db = new SqliteDatabase(database.file, { readonly: true });
    try {
      return db.prepare(sql).all({ since, limit }) as Purchase[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<Purchase>(sql.replace('$since', '$1').replace('$limit', '$2'), [since, limit])).rows;
  } finally {
    await client.end();
  }
}

export type Step = 'session' | 'verify' | 'feedback' | 'payout';

export interface LoopStats {
  passesStarted: number;
  passesCompleted: number;
  exhausted: boolean;
  /** Latency of each step (ms), from sending the request to its parsed response. */
  steps: Partial<Record<Step, LatencyStats & { count: number; failed: number }>>;
  /** Whole pass (session created → last step answered), ms. */
  pass: LatencyStats;
  failuresByStep: Partial<Record<Step, Record<string, number>>>;
}

interface Ctx {
  p?: Purchase;
  ip?: string;
  device?: string;
  sessionId?: string;
  token?: string;
  t0?: number;
  sent?: number;
}

/** Purchases shared by the warm-up and the measured run, so no purchase is claimed twice. */
export interface PurchasePool {
  purchases: Purchase[];
  next: number;
}

/** Builds the request sequence for `steps` and keeps per-step histograms. */
export function customerSequence(pool: PurchasePool, steps: Step[], seed: number) {
  const purchases = pool.purchases;
  const rng = prng(seed);
  const hist = new Map<Step, hdr.Histogram>(steps.map((s) => [s, newHistogram()]));
  const failed = new Map<Step, Record<string, number>>();
  const passHist = newHistogram();
  let started = 0;
  let completed = 0;
  let from = 0;
  let exhausted = false;
  let ipSeq = 0;

  const auth = (c: Ctx) => ({ 'content-type': 'application/json', authorization: `Bearer ${c.token}`, 'x-device-id': c.device!, 'x-forwarded-for': c.ip! });
  const record = (step: Step, status: number, body: string | undefined, c: Ctx, ok: boolean) => {
    if (c.sent! < from) return; // sent during the warm-up
    hist.get(step)!.recordValue(Math.max(1, Math.round((performance.now() - c.sent!) * 1000)));
    if (!ok) {
      const code = /"code":"([a-z_]+)"/.exec(body ?? '')?.[1] ?? '';
      const f = failed.get(step) ?? {};
      f[`${status}${code ? ' ' + code : ''}`] = (f[`${status}${code ? ' ' + code : ''}`] ?? 0) + 1;
      failed.set(step, f);
    }
    if (ok && step === steps.at(-1) && c.t0! >= from) {
      completed++;
      passHist.recordValue(Math.max(1, Math.round((performance.now() - c.t0!) * 1000)));
    }
  };
  const path = (c: Ctx, suffix: string) => `/api/v1/feedback-sessions/${c.sessionId}${suffix}`;

  const builders: Record<Step, autocannon.Request> = {
    session: {
      method: 'POST',
      path: '/api/v1/feedback-sessions',
      setupRequest: (req, context) => {
        const c = context as Ctx;
        if (pool.next >= purchases.length) exhausted = true;
        c.p = purchases[pool.next++ % purchases.length]!;
        ipSeq++;
        c.ip = `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
        c.device = `bench-device-${seed}-${ipSeq}`;
        c.t0 = c.sent = performance.now();
        if (c.t0 >= from) started++;
        return { ...req, headers: { 'content-type': 'application/json', 'x-device-id': c.device, 'x-forwarded-for': c.ip }, body: JSON.stringify({ qrToken: c.p.qrToken, locale: 'sv', consent: { accepted: true, version: CONSENT_VERSION } }) };
      },
      onResponse: (status, body, context) => {
        const c = context as Ctx;
        const ok = status === 201;
        if (ok) {
          const b = JSON.parse(body) as { sessionId: string; sessionToken: string };
          c.sessionId = b.sessionId;
          c.token = b.sessionToken;
        }
        record('session', status, body, c, ok);
      },
    },
    verify: {
      method: 'POST',
      setupRequest: (req, context) => {
        const c = context as Ctx;
        if (!c.sessionId) return null as unknown as autocannon.Request;
        c.sent = performance.now();
        // What the customer reads off the receipt: the amount in kronor and the time to the minute.
        const body = { amount: formatSek(c.p!.amountMinor), purchasedAt: `${c.p!.occurredAt.slice(0, 16)}Z`, cardLast4: c.p!.cardLast4 };
        return { ...req, path: path(c, '/verify'), headers: auth(c), body: JSON.stringify(body) };
      },
      onResponse: (status, body, context) => {
        const c = context as Ctx;
        record('verify', status, body, c, status === 200);
        if (status !== 200) c.sessionId = undefined;
      },
    },
    feedback: {
      method: 'POST',
      setupRequest: (req, context) => {
        const c = context as Ctx;
        if (!c.sessionId) return null as unknown as autocannon.Request;
        c.sent = performance.now();
        return { ...req, path: path(c, '/feedback'), headers: auth(c), body: JSON.stringify({ text: feedbackText(rng), finish: true }) };
      },
      onResponse: (status, body, context) => {
        const c = context as Ctx;
        const ok = status === 200 && body.includes('"completed"');
        record('feedback', status, body, c, ok);
        if (!ok) c.sessionId = undefined;
      },
    },
    payout: {
      method: 'POST',
      setupRequest: (req, context) => {
        const c = context as Ctx;
        if (!c.sessionId) return null as unknown as autocannon.Request;
        c.sent = performance.now();
        return { ...req, path: path(c, '/payout'), headers: auth(c), body: JSON.stringify({ phone: swedishMobile(rng) }) };
      },
      onResponse: (status, body, context) => record('payout', status, body, context as Ctx, status === 200),
    },
  };

  return {
    requests: steps.map((s) => builders[s]),
    /** Pass to runLoad's onMeasureFrom: requests sent before this instant (the warm-up) are not counted. */
    measureFrom: (t: number) => {
      from = t;
    },
    stats(): LoopStats {
      const stepStats: LoopStats['steps'] = {};
      for (const s of steps) {
        const h = hist.get(s)!;
        const f = failed.get(s) ?? {};
        stepStats[s] = { ...latencyOf(h), count: h.totalCount, failed: Object.values(f).reduce((a, b) => a + b, 0) };
      }
      return { passesStarted: started, passesCompleted: completed, exhausted, steps: stepStats, pass: latencyOf(passHist), failuresByStep: Object.fromEntries(failed) };
    },
  };
}
