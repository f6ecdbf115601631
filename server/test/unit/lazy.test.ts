import { describe, expect, it } from 'vitest';
import { lazyRequire, once } from '../../src/core/lazy.js';

describe('once', () => {
  it('loads on the first call only and returns the same value after', () => {
    let loads = 0;
    const get = once(() => ({ n: ++loads }));
    expect(loads).toBe(0);
    const first = get();
    expect(get()).toBe(first);
    expect(loads).toBe(1);
  });

  it('keeps a promise, so concurrent first callers share one load', async () => {
    let loads = 0;
    const get = once(async () => ++loads);
    expect(await Promise.all([get(), get(), get()])).toEqual([1, 1, 1]);
  });

  it('tries again after a load that threw', () => {
    let calls = 0;
    const get = once(() => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return calls;
    });
    expect(() => get()).toThrow('not yet');
    expect(get()).toBe(2);
  });
});

describe('lazyRequire', () => {
  it('requires the package on first use and keeps it', () => {
    const get = lazyRequire<typeof import('node:path')>('node:path');
    expect(get().join('a', 'b')).toBe('a/b');
    expect(get()).toBe(get());
  });
});
