import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffMs, budgetKeys, chargesFor, decide, VERIFY_BUDGET, type KeyStats } from '../../src/feedback/verify-budget.js';
import { choosePurchase, type Candidate } from '../../src/feedback/verify-service.js';
import { networkOf } from '../../src/feedback/client-identity.js';
import { failedVerificationsSignal, bannedDeviceLinkSignal } from '../../src/fraud/index.js';

const MIN = 60_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const keys = budgetKeys({ deviceHash: 'dev', networkHash: 'net' }, 'loc');
const stats = (entries: Record<string, Partial<KeyStats>>) => new Map(Object.entries(entries).map(([k, v]) => [k, { units: 0, misses: 0, lastAt: NOW - MIN, ...v }]));

describe('verification budgets (verify-budget.ts)', () => {
  it('keys: device, address at the location, address, location; no device key without a device', () => {
    expect(keys.map((k) => k.key)).toEqual(['d:dev', 'al:loc:net', 'a:net', 'l:loc']);
    expect(budgetKeys({ deviceHash: null, networkHash: 'net' }, 'loc').map((k) => k.scope)).toEqual(['addressAtLocation', 'address', 'location']);
  });

  it('within the allowance there is no wait; beyond it 15 min after the last unit, doubling, at most a day', () => {
    expect(backoffMs({ units: 5, misses: 5, lastAt: NOW }, 6, NOW)).toBe(0);
    expect(backoffMs({ units: 6, misses: 6, lastAt: NOW }, 6, NOW)).toBe(15 * MIN);
    expect(backoffMs({ units: 7, misses: 7, lastAt: NOW }, 6, NOW)).toBe(30 * MIN);
    expect(backoffMs({ units: 6, misses: 6, lastAt: NOW - 10 * MIN }, 6, NOW)).toBe(5 * MIN);
    expect(backoffMs({ units: 6, misses: 6, lastAt: NOW - 16 * MIN }, 6, NOW)).toBe(0);
    expect(backoffMs({ units: 40, misses: 40, lastAt: NOW }, 6, NOW)).toBe(VERIFY_BUDGET.backoffMaxMs);
  });

  it('the address allowance at a location under attack drops from 6 to 4, never below an honest customer\'s 3', () => {
    const four = { 'al:loc:net': { units: 4, misses: 4 } };
    expect(decide(keys, stats(four), NOW)).toMatchObject({ retryAfterMs: 0, underAttack: false, priorMisses: 4 });
    const attacked = decide(keys, stats({ ...four, 'l:loc': { misses: 20 } }), NOW);
    expect(attacked.underAttack).toBe(true);
    expect(attacked.retryAfterMs).toBe(14 * MIN);
    expect(decide(keys, stats({ 'al:loc:net': { units: 3, misses: 2 }, 'l:loc': { misses: 500 } }), NOW).retryAfterMs).toBe(0);
  });

  it('the strictest key decides; the address-wide allowance is 20', () => {
    expect(decide(keys, stats({ 'd:dev': { units: 6, misses: 6 } }), NOW).retryAfterMs).toBe(14 * MIN);
    expect(decide(keys, stats({ 'a:net': { units: 19, misses: 19 } }), NOW).retryAfterMs).toBe(0);
    expect(decide(keys, stats({ 'a:net': { units: 20, misses: 20 } }), NOW).retryAfterMs).toBe(14 * MIN);
  });

  it('a miss costs everywhere; a hit only where misses came first; other answers cost nothing', () => {
    expect(chargesFor(keys, stats({}), 'miss')).toEqual(keys.map((k) => ({ key: k.key, kind: 'miss' })));
    expect(chargesFor(keys, stats({}), 'hit')).toEqual([]);
    expect(chargesFor(keys, stats({ 'a:net': { units: 2, misses: 2 }, 'l:loc': { misses: 9 } }), 'hit')).toEqual([{ key: 'a:net', kind: 'hit' }]);
    expect(chargesFor(keys, stats({ 'd:dev': { units: 2, misses: 2 } }), 'free')).toEqual([]);
  });

  it('property: an honest customer (at most 3 units before success) is never refused, attack or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1_000 }), (units, locationMisses) => {
        const s = stats({ 'd:dev': { units, misses: units }, 'al:loc:net': { units, misses: units }, 'a:net': { units, misses: units }, 'l:loc': { misses: locationMisses } });
        return decide(keys, s, NOW).retryAfterMs === 0;
      }),
    );
  });
});

describe('networkOf', () => {
  it('an IPv4 address is its own network; IPv6 counts by /64; IPv4-mapped IPv6 is IPv4', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(networkOf('::ffff:198.51.100.4')).toBe('198.51.100.4');
  });
});

describe('choosePurchase', () => {
  const at = Date.parse('2026-12-01T11:50:00Z');
  const tx = (id: string, o: Partial<Candidate> = {}): Candidate => ({ id, amount_minor: 10_000, occurred_at: new Date(at).toISOString(), card_last4: null, status: 'completed', claimed_by: null, ...o });

  it('cash matches without digits; a card purchase asks for them, claimed or not, one or many', () => {
    expect(choosePurchase([tx('a')], undefined, 10_000, at)).toMatchObject({ id: 'a' });
    for (const set of [[tx('c', { card_last4: '1111' })], [tx('c', { card_last4: '1111', claimed_by: 's' })], [tx('c', { card_last4: '1111' }), tx('d', { card_last4: '2222' })]]) {
      expect(choosePurchase(set, undefined, 10_000, at)).toMatchObject({ code: 'card_last4_required', details: { needs: 'cardLast4' } });
    }
    expect(choosePurchase([tx('c', { card_last4: '1111' }), tx('d', { card_last4: '2222' })], '2222', 10_000, at)).toMatchObject({ id: 'd' });
  });

  it('claimed, refunded, wrong digits and nothing at all are one answer', () => {
    const none = choosePurchase([], undefined, 10_000, at);
    for (const answer of [choosePurchase([tx('a', { claimed_by: 's' })], undefined, 10_000, at), choosePurchase([tx('a', { status: 'refunded' })], undefined, 10_000, at), choosePurchase([tx('c', { card_last4: '1111' })], '9999', 10_000, at), choosePurchase([tx('c', { card_last4: '1111', claimed_by: 's' })], '1111', 10_000, at)]) {
      expect(answer).toEqual(none);
    }
  });

  it('purchases the customer cannot tell apart are interchangeable: the closest amount, then time, wins', () => {
    const set = [tx('far', { amount_minor: 10_040 }), tx('near', { amount_minor: 10_010, occurred_at: new Date(at + 60_000).toISOString() }), tx('nearer-time', { amount_minor: 10_010 })];
    expect(choosePurchase(set, undefined, 10_000, at)).toMatchObject({ id: 'nearer-time' });
  });
});

describe('failedVerificationsSignal and bannedDeviceLinkSignal', () => {
  it('two misses are ordinary; from three they add up, five hold alone (0.7)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((n) => failedVerificationsSignal(n, false).strength)).toEqual([0, 0, 0, 0.3, 0.5, 0.7, 0.85, 0.95, 0.95]);
    expect(failedVerificationsSignal(5, false).reason.en).toBe('5 failed attempts to find a purchase from the same device or address before this one was found.');
  });

  it('under attack even one miss counts, but two stay below the hold threshold', () => {
    expect([0, 1, 2, 3, 4].map((n) => failedVerificationsSignal(n, true).strength)).toEqual([0, 0.4, 0.55, 0.7, 0.7]);
    expect(failedVerificationsSignal(2, true).evidence).toEqual({ failures: 2, locationUnderAttack: true });
  });

  it('an address shared with a banned device holds the reward (0.8)', () => {
    expect(bannedDeviceLinkSignal(0).strength).toBe(0);
    expect(bannedDeviceLinkSignal(2).strength).toBe(0.8);
  });
});
