import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBackoffMs } from '../../src/queue/backoff.js';

describe('exponential backoff with full jitter', () => {
  it('stays within [0, min(cap, base·2^(n-1))]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
        const ms = computeBackoffMs(n, 1000, 300_000, () => r);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThanOrEqual(Math.min(300_000, 1000 * 2 ** (n - 1)));
      }),
    );
  });

  it('doubles the ceiling per attempt until the cap', () => {
    const max = (n: number) => computeBackoffMs(n, 1000, 300_000, () => 0.999999);
    expect([1, 2, 3, 4].map(max)).toEqual([999, 1999, 3999, 7999]);
    expect(max(20)).toBe(299_999);
  });
});
