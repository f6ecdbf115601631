/**
 * One autocannon run. autocannon's own latency histogram has millisecond resolution and no p95, so every
 * response time it reports (its 'response' event, measured with hrtime around each request) also goes into
 * an HDR histogram in microseconds; percentiles come from that. Throughput is responses per second of
 * wall time; errors are connection errors + timeouts + non-2xx answers, all reported separately.
 *
 * The warm-up is the first part of the same run, on the same connections: only requests *sent* after it
 * count. (Separate runs would open every connection anew at once; a saturated server accepts queued
 * connections slowly, which would measure a thundering herd instead of the steady state.)
 */
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';

export interface LatencyStats {
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  title: string;
  connections: number;
  durationSec: number;
  requests: number;
  rps: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  resets: number;
  statusCodes: Record<string, number>;
  /** Milliseconds, three significant digits. */
  latencyMs: LatencyStats;
  warmupSec: number;
  /** Seconds from the start until every connection had its first answer (accept/queueing delay under load). */
  allConnectionsAnsweredSec: number | null;
  /** Connections that got at least one answer during the whole run (warm-up included). */
  connectionsAnswered: number;
}

export interface LoadSpec {
  title: string;
  url: string;
  connections: number;
  durationSec: number;
  method?: 'GET' | 'POST';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: autocannon.Request[];
  /** Unrecorded seconds at the start of the run (same connections). */
  warmupSec?: number;
  /** Told the performance.now() instant from which requests count (for callers keeping their own figures). */
  onMeasureFrom?: (t: number) => void;
}

export function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 300_000_000, numberOfSignificantValueDigits: 3 });
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Percentiles of a histogram recorded in microseconds, returned in milliseconds. */
export function latencyOf(h: hdr.Histogram): LatencyStats {
  if (h.totalCount === 0) return { p50: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const at = (p: number) => round(h.getValueAtPercentile(p) / 1000);
  return { p50: at(50), p95: at(95), p99: at(99), p999: at(99.9), max: round(h.maxValue / 1000), mean: round(h.mean / 1000) };
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const hist = newHistogram();
  const statusCodes: Record<string, number> = {};
  let responses = 0;
  let ok2xx = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const warmupSec = spec.warmupSec ?? 0;
  const started = performance.now();
  const from = started + warmupSec * 1000;
  const firstAnswer = new Map<unknown, number>();
  spec.onMeasureFrom?.(from);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url + (spec.path ?? ''),
        connections: spec.connections,
        duration: warmupSec + spec.durationSec,
        method: spec.method ?? 'GET',
        headers: spec.headers,
        body: spec.body,
        requests: spec.requests,
        timeout: 30,
      },
      (err, result) => {
        if (err) return reject(err);
        const elapsed = (performance.now() - from) / 1000;
        const lastFirst = firstAnswer.size === spec.connections ? Math.max(...firstAnswer.values()) : null;
        resolve({
          title: spec.title,
          connections: spec.connections,
          durationSec: round(elapsed),
          requests: responses,
          rps: Math.round((responses / elapsed) * 10) / 10,
          ok2xx,
          non2xx,
          errors,
          timeouts,
          resets: (result as unknown as { resets?: number }).resets ?? 0,
          statusCodes,
          latencyMs: latencyOf(hist),
          warmupSec,
          allConnectionsAnsweredSec: lastFirst === null ? null : round((lastFirst - started) / 1000),
          connectionsAnswered: firstAnswer.size,
        });
      },
    );
    instance.on('response', (client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      const now = performance.now();
      if (!firstAnswer.has(client)) firstAnswer.set(client, now);
      if (now - responseTime < from) return;
      responses++;
      if (statusCode >= 200 && statusCode < 300) ok2xx++;
      else non2xx++;
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      hist.recordValue(Math.max(1, Math.round(responseTime * 1000)));
    });
    instance.on('reqError', (error: Error) => {
      if (performance.now() < from) return;
      if (/timed out/.test(error.message)) timeouts++;
      else errors++;
    });
  });
}

/** Failed requests of any kind (non-2xx, connection errors, timeouts — each counted once): what "zero errors" targets count. */
export const failures = (r: LoadResult) => r.non2xx + r.errors + r.timeouts;

export function describeLoad(r: LoadResult): string {
  const l = r.latencyMs;
  return `${r.title}: ${r.rps.toLocaleString('en-US')} req/s over ${r.durationSec.toFixed(1)} s, p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`;
}
