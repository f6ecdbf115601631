import type { Config } from '../config/load.js';
import { SwishFilePayoutProvider, type PayoutProvider } from './payout-provider.js';
import { StripeConnectPayoutProvider } from './stripe-connect.js';

/** The payout channel PAYOUT_PROVIDER names (Swish file by default); config loading already demands the Stripe key. */
export function payoutProviderFor(config: Pick<Config, 'payouts'>, overrides: { initialDelayMs?: number } = {}): PayoutProvider {
  if (config.payouts.provider === 'stripe-connect') {
    if (!config.payouts.stripeSecretKey) throw new Error('PAYOUT_PROVIDER=stripe-connect needs STRIPE_SECRET_KEY');
    return new StripeConnectPayoutProvider({ apiBase: config.payouts.stripeApiBase, secretKey: config.payouts.stripeSecretKey, ...overrides });
  }
  return new SwishFilePayoutProvider();
}
