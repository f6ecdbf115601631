import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { errorForStatus, parseRetryAfter, PosApiError } from '../../src/pos-sync/errors.js';
import { retryDelay } from '../../src/pos-sync/api-client.js';
import { recommendPoolSize } from '../../src/pos-sync/pools.js';
import { nextLink, purchaseAsPushPayload } from '../../src/pos-sync/listing.js';
import { inBatches } from '../../src/pos-sync/reconcile.js';
import { isExpired, missingCredentialFields } from '../../src/pos-sync/credentials.js';
import { splitUrls } from '../../src/pos-sync/config.js';
import { ProviderEndpoints, type SwitchEvent } from '../../src/pos-sync/endpoints.js';
import { testSyncConfig } from './helpers.js';

const sizing = { base: 10, min: 20, max: 50 };

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, capped', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('86400')).toBe(120_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });

  it('is never negative nor above the cap, whatever the header says', () => {
    fc.assert(fc.property(fc.string(), fc.integer({ min: 0, max: 2 ** 40 }), (header, now) => {
      const ms = parseRetryAfter(header, now);
      return ms === null || (ms >= 0 && ms <= 120_000);
    }));
  });

  it('overrides the jittered backoff, which otherwise stays under its exponential cap', () => {
    expect(retryDelay(3, 100, errorForStatus(429, '1', ''))).toBe(1000);
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, base, r) => {
      const d = retryDelay(attempt, base, new Error('x'), () => r);
      return d >= 0 && d <= Math.min(60_000, base * 2 ** (attempt - 1));
    }));
  });
});

describe('status classification', () => {
  it('retries 5xx/408/429, never other 4xx; only 5xx/408 count against the endpoint', () => {
    const cases: Array<[number, boolean, boolean]> = [[500, true, true], [503, true, true], [408, true, true], [429, true, false], [401, false, false], [404, false, false], [400, false, false]];
    for (const [status, retryable, endpointFailure] of cases) {
      const e = errorForStatus(status, undefined, '');
      expect([e.retryable, e.endpointFailure], String(status)).toEqual([retryable, endpointFailure]);
    }
    expect(errorForStatus(401, undefined, '').kind).toBe('unauthorized');
  });
});

describe('pool sizing', () => {
  it('grows into min–max under load and falls back to the base when idle', () => {
    expect(recommendPoolSize({ size: 10, busy: 9 }, sizing)).toBe(20);
    expect(recommendPoolSize({ size: 40, busy: 40 }, sizing)).toBe(50);
    expect(recommendPoolSize({ size: 50, busy: 50 }, sizing)).toBe(50);
    expect(recommendPoolSize({ size: 30, busy: 1 }, sizing)).toBe(10);
    expect(recommendPoolSize({ size: 10, busy: 0 }, sizing)).toBe(10);
    expect(recommendPoolSize({ size: 20, busy: 10 }, sizing)).toBe(20);
  });

  it('never leaves [1, max] and never shrinks under load', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 500 }), (size, busy) => {
      const next = recommendPoolSize({ size, busy }, sizing);
      return next >= 1 && next <= sizing.max && (busy / size < 0.8 || next >= Math.min(size, sizing.max));
    }));
  });
});

describe('provider shapes', () => {
  it('follows the rel="next" Link header to a path', () => {
    expect(nextLink('<https://s.myshopify.com/admin/api/2025-07/orders.json?limit=250&page_info=abc>; rel="next"')).toBe('/admin/api/2025-07/orders.json?limit=250&page_info=abc');
    expect(nextLink('<https://s/x?page_info=a>; rel="previous", <https://s/y?page_info=b>; rel="next"')).toBe('/y?page_info=b');
    expect(nextLink('<https://s/x?page_info=a>; rel="previous"')).toBeNull();
    expect(nextLink(undefined)).toBeNull();
  });

  it('moves the Purchase API string timestamp to created, leaving push-shaped payloads alone', () => {
    expect(purchaseAsPushPayload({ amount: 1, timestamp: '2026-01-01T00:00:00.000+0000' })).toEqual({ amount: 1, created: '2026-01-01T00:00:00.000+0000' });
    expect(purchaseAsPushPayload({ amount: 1, timestamp: 5 })).toEqual({ amount: 1, timestamp: 5 });
  });

  it('names the credential fields each provider needs', () => {
    expect(missingCredentialFields('zettle', { apiKey: 'k' })).toEqual(['clientId']);
    expect(missingCredentialFields('square', {})).toEqual(['accessToken']);
    expect(missingCredentialFields('shopify', { accessToken: 't' })).toEqual([]);
    expect(isExpired(null)).toBe(false);
    expect(isExpired(new Date(Date.now() + 30_000).toISOString())).toBe(true);
    expect(isExpired(new Date(Date.now() + 3_600_000).toISOString())).toBe(false);
  });

  it('keeps at most three endpoint URLs', () => {
    expect(splitUrls(' https://a/ ,https://b,, https://c , https://d')).toEqual(['https://a', 'https://b', 'https://c']);
  });

  it('runs batches one after another, each batch concurrently', async () => {
    const log: string[] = [];
    await inBatches([1, 2, 3, 4, 5], 2, async (n) => {
      log.push(`start ${n}`);
      await new Promise((r) => setImmediate(r));
      log.push(`end ${n}`);
    });
    expect(log.slice(0, 4)).toEqual(['start 1', 'start 2', 'end 1', 'end 2']);
    expect(log).toHaveLength(10);
  });
});

describe('endpoint failover state', () => {
  const make = (n = 3) => {
    const events: SwitchEvent[] = [];
    const set = new ProviderEndpoints('square', ['http://a', 'http://b', 'http://c'].slice(0, n), testSyncConfig(), (e) => events.push(e));
    return { set, events };
  };

  it('moves to the next healthy endpoint and back to the primary when it recovers', () => {
    const { set, events } = make();
    set.endpoints[0]!.healthy = false;
    set.rebalance();
    expect(set.active.name).toBe('secondary');
    set.endpoints[1]!.healthy = false;
    set.rebalance();
    expect(set.active.name).toBe('tertiary');
    set.endpoints[0]!.healthy = true;
    set.rebalance();
    expect(set.active.name).toBe('primary');
    expect(events.map((e) => `${e.kind}:${e.from}->${e.to}`)).toEqual(['automatic:primary->secondary', 'automatic:secondary->tertiary', 'recovery:tertiary->primary']);
  });

  it('stays put when nothing else is usable', () => {
    const { set, events } = make(1);
    expect(set.manualFailover('primary is down for maintenance', 'admin')).toBe(false);
    set.endpoints[0]!.healthy = false;
    set.rebalance();
    expect(set.active.name).toBe('primary');
    expect(events).toEqual([]);
  });

  it('keeps a manually drained endpoint out until an operator targets it', () => {
    const { set } = make(2);
    expect(set.manualFailover('primary is flapping, drain it', 'admin')).toBe(true);
    expect(set.active.name).toBe('secondary');
    set.rebalance(); // primary is healthy but drained
    expect(set.active.name).toBe('secondary');
    expect(set.manualFailover('primary fixed by provider', 'admin', 'primary')).toBe(true);
    expect(set.active.name).toBe('primary');
    expect(set.endpoints[0]!.drained).toBe(false);
  });

  it('PosApiError keeps its classification', () => {
    const e = new PosApiError('x', 'network', null, true, true);
    expect(e).toBeInstanceOf(Error);
    expect([e.retryable, e.endpointFailure, e.retryAfterMs]).toEqual([true, true, null]);
  });
});
