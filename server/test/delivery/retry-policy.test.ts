import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isPermanentStatus, judgeAttempt, parseRetryAfter } from '../../src/delivery/retry-policy.js';

const S = { maxAttempts: 10, backoffBaseMs: 1000, backoffMaxMs: 15 * 60_000 };

describe('outbound retry policy', () => {
  it('2xx is delivered, whatever the attempt', () => {
    fc.assert(fc.property(fc.integer({ min: 200, max: 299 }), fc.integer({ min: 1, max: 10 }), (status, attempt) => {
      expect(judgeAttempt({ status, retryAfterMs: null }, attempt, S).kind).toBe('delivered');
    }));
  });

  it('4xx other than 408/409/425/429 dead-letters at once; those four and 5xx retry', () => {
    fc.assert(fc.property(fc.integer({ min: 400, max: 599 }), (status) => {
      const v = judgeAttempt({ status, retryAfterMs: null }, 1, S);
      const retryable = status >= 500 || [408, 409, 425, 429].includes(status);
      expect(v.kind).toBe(retryable ? 'retry' : 'dead');
      expect(isPermanentStatus(status)).toBe(!retryable);
    }));
  });

  it('full jitter: the delay of attempt n lies in [0, min(cap, base·2^(n-1))]', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
      const v = judgeAttempt({ status: 503, retryAfterMs: null }, attempt, S, () => r);
      expect(v.kind).toBe('retry');
      if (v.kind !== 'retry') return;
      expect(v.delayMs).toBeGreaterThanOrEqual(0);
      expect(v.delayMs).toBeLessThanOrEqual(Math.min(S.backoffMaxMs, S.backoffBaseMs * 2 ** (attempt - 1)));
    }));
  });

  it('gives up after the configured attempts, also for network errors', () => {
    expect(judgeAttempt({ status: null, retryAfterMs: null }, 10, S)).toEqual({ kind: 'dead', reason: 'gave up after 10 attempts' });
    expect(judgeAttempt({ status: null, retryAfterMs: null }, 9, S).kind).toBe('retry');
  });

  it('honours Retry-After (at least that long, capped at the backoff maximum)', () => {
    const v = judgeAttempt({ status: 429, retryAfterMs: 120_000 }, 1, S, () => 0.5);
    expect(v).toEqual({ kind: 'retry', delayMs: 120_000 });
    const capped = judgeAttempt({ status: 429, retryAfterMs: 10 * 3_600_000 }, 1, S);
    expect(capped).toEqual({ kind: 'retry', delayMs: S.backoffMaxMs });
  });

  it('a destination that is not allowed is permanent', () => {
    expect(judgeAttempt({ status: null, retryAfterMs: null, permanentError: 'destination not allowed' }, 1, S)).toEqual({ kind: 'dead', reason: 'destination not allowed' });
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
