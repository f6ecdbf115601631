import { shopifyAdapter } from './shopify.js';
import { squareAdapter } from './square.js';
import { zettleAdapter } from './zettle.js';
import type { PosProvider, ProviderAdapter } from './types.js';

export * from './types.js';
export { squareAdapter } from './square.js';
export { shopifyAdapter } from './shopify.js';
export { zettleAdapter, isZettleTestMessage } from './zettle.js';

const ADAPTERS: Readonly<Record<PosProvider, ProviderAdapter>> = {
  square: squareAdapter,
  shopify: shopifyAdapter,
  zettle: zettleAdapter,
};

/** The adapter for a provider. Throws for an unknown name (e.g. an unchecked route param). */
export function getAdapter(provider: PosProvider): ProviderAdapter {
  // hasOwn so "toString"/"__proto__" can't resolve to Object.prototype members.
  if (!Object.hasOwn(ADAPTERS, provider)) throw new Error(`unknown POS provider: ${String(provider)}`);
  return ADAPTERS[provider];
}
