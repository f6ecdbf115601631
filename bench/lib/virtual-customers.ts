/**
 * Virtual customers as a k6 script runs them: each of N customers performs the steps one after another and
 * waits a think time between steps (k6's customary `sleep(1)`; real customers take far longer to type an
 * amount or write feedback). Unlike autocannon's closed loop — every connection sends its next request the
 * moment the previous one is answered, i.e. a saturation test — the offered load is what N people generate.
 * The steps are the same request builders the autocannon runs use (customerSequence), driven through undici.
 */
import type autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { newHistogram, latencyOf, type LoadResult } from './load.js';
import { prng } from './swedish.js';

export interface VirtualCustomerSpec {
  title: string;
  url: string;
  customers: number;
  durationSec: number;
  warmupSec: number;
  /** Think time between two steps of one customer, drawn uniformly from [min, max] ms. */
  thinkMs: [number, number];
  requests: autocannon.Request[];
  onMeasureFrom?: (t: number) => void;
}

type Builder = autocannon.Request & {
  setupRequest?: (req: autocannon.Request, context: Record<string, unknown>) => autocannon.Request | null;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
};

export async function runVirtualCustomers(spec: VirtualCustomerSpec): Promise<LoadResult> {
  const pool = new Pool(spec.url, { connections: spec.customers, pipelining: 1 });
  const hist = newHistogram();
  const statusCodes: Record<string, number> = {};
  const counts = { responses: 0, ok2xx: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const started = performance.now();
  const from = started + spec.warmupSec * 1000;
  const until = from + spec.durationSec * 1000;
  spec.onMeasureFrom?.(from);
  const rng = prng(4711);
  const think = () => sleep(spec.thinkMs[0] + rng() * (spec.thinkMs[1] - spec.thinkMs[0]));

  async function send(step: Builder, context: Record<string, unknown>): Promise<boolean> {
    const req = step.setupRequest ? step.setupRequest({ method: step.method, path: step.path }, context) : step;
    if (!req) return false;
    const sent = performance.now();
    try {
      const res = await pool.request({ method: (req.method ?? 'GET') as 'GET' | 'POST', path: req.path ?? '/', headers: req.headers, body: req.body as string | undefined, headersTimeout: 30_000, bodyTimeout: 30_000 });
      const body = await res.body.text();
      if (sent >= from && performance.now() <= until + 30_000) {
        counts.responses++;
        if (res.statusCode >= 200 && res.statusCode < 300) counts.ok2xx++;
        else counts.non2xx++;
        statusCodes[res.statusCode] = (statusCodes[res.statusCode] ?? 0) + 1;
        hist.recordValue(Math.max(1, Math.round((performance.now() - sent) * 1000)));
      }
      step.onResponse?.(res.statusCode, body, context);
      return true;
    } catch (err) {
      if (sent >= from) {
        if (/timeout/i.test(String(err))) counts.timeouts++;
        else counts.errors++;
      }
      return false;
    }
  }

  async function customer(index: number): Promise<void> {
    // Customers arrive spread over the first second rather than all at once.
    await sleep((index / spec.customers) * 1000);
    const context: Record<string, unknown> = {};
    while (performance.now() < until) {
      for (const step of spec.requests as Builder[]) {
        if (performance.now() >= until) return;
        if (!(await send(step, context))) break; // a step without its session (failed earlier): start a new pass
        await think();
      }
    }
  }

  await Promise.all(Array.from({ length: spec.customers }, (_, i) => customer(i)));
  await pool.close();
  const elapsed = (performance.now() - from) / 1000;
  return {
    title: spec.title,
    connections: spec.customers,
    durationSec: Math.round(elapsed * 1000) / 1000,
    requests: counts.responses,
    rps: Math.round((counts.responses / elapsed) * 10) / 10,
    ok2xx: counts.ok2xx,
    non2xx: counts.non2xx,
    errors: counts.errors,
    timeouts: counts.timeouts,
    resets: 0,
    statusCodes,
    latencyMs: latencyOf(hist),
    warmupSec: spec.warmupSec,
    allConnectionsAnsweredSec: null,
    connectionsAnswered: spec.customers,
  };
}
