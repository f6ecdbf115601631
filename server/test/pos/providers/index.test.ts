import { describe, expect, it } from 'vitest';
import { getAdapter, POS_PROVIDERS, shopifyAdapter, squareAdapter, zettleAdapter } from '../../../src/pos/providers/index.js';
import type { PosProvider } from '../../../src/pos/providers/types.js';

describe('getAdapter', () => {
  it('returns the adapter for each provider', () => {
    expect(getAdapter('square')).toBe(squareAdapter);
    expect(getAdapter('shopify')).toBe(shopifyAdapter);
    expect(getAdapter('zettle')).toBe(zettleAdapter);
    for (const provider of POS_PROVIDERS) expect(getAdapter(provider).provider).toBe(provider);
  });

  it('throws for names that are not providers, including Object.prototype keys', () => {
    for (const name of ['stripe', 'toString', '__proto__', '']) {
      expect(() => getAdapter(name as PosProvider)).toThrow(/unknown POS provider/);
    }
  });
});
