import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newId } from '../../src/core/ids.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timestampOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('newId (UUID v7)', () => {
  it('has the v7 layout: version 7, RFC variant, lower-case hex', () => {
    for (let i = 0; i < 1000; i++) expect(newId()).toMatch(V7);
  });

  it('carries the creation time in its first 48 bits', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    expect(timestampOf(id)).toBeGreaterThanOrEqual(before);
    // The counter may borrow a millisecond or two after a burst; never more than a few.
    expect(timestampOf(id)).toBeLessThanOrEqual(after + 5);
  });

  it('is strictly increasing within a process, also inside one millisecond', () => {
    const ids = Array.from({ length: 50_000 }, () => newId());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('differs in its random part between ids of the same millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), (n) => {
        const tails = Array.from({ length: n }, () => newId().slice(19));
        return new Set(tails).size === n;
      }),
      { numRuns: 50 },
    );
  });
});
