import { computeBackoffMs } from '../queue/backoff.js';

export interface RetrySettings {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** Status codes that say "try again later" even though they are 4xx. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

export type AttemptVerdict = { kind: 'delivered' } | { kind: 'retry'; delayMs: number } | { kind: 'dead'; reason: string };

/** Retry-After as seconds or an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && !RETRYABLE_4XX.has(status);
}

/**
 * What to do after attempt number `attempt` (1-based): 2xx delivered; permanent 4xx dead at once;
 * otherwise retry after full-jitter backoff (or the receiver's Retry-After, capped at the backoff
 * maximum) until the attempts are used up.
 */
export function judgeAttempt(
  result: { status: number | null; retryAfterMs: number | null; permanentError?: string },
  attempt: number,
  s: RetrySettings,
  random: () => number = Math.random,
): AttemptVerdict {
  if (result.status !== null && result.status >= 200 && result.status < 300) return { kind: 'delivered' };
  if (result.permanentError) return { kind: 'dead', reason: result.permanentError };
  if (result.status !== null && isPermanentStatus(result.status)) return { kind: 'dead', reason: `permanent HTTP ${result.status}` };
  if (attempt >= s.maxAttempts) return { kind: 'dead', reason: `gave up after ${attempt} attempts` };
  const backoff = computeBackoffMs(attempt, s.backoffBaseMs, s.backoffMaxMs, random);
  const delayMs = result.retryAfterMs !== null ? Math.min(s.backoffMaxMs, Math.max(backoff, result.retryAfterMs)) : backoff;
  return { kind: 'retry', delayMs };
}
