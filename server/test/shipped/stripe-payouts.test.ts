/**
 * A customer's reward paid out through Stripe Connect by the shipped server: the operator registers the
 * customer's connected account, creates a payout batch and submits it; the fake Stripe on 127.0.0.1 must
 * receive one Transfer with the reward's amount in SEK, the payout's idempotency key and the secret key.
 *
 * Against a bundle built from `once(() => import('undici'))` (the defect) no transfer reaches the fake:
 * undici's `request` is undefined in the bundle and the submit answers 500 instead of paying.
 *
 * @covers core/undici-exports.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';
import { STRIPE_API_VERSION, transferIdempotencyKey } from '../../src/rewards/stripe-connect.js';

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;
const PHONE = '070-300 00 01';
const ACCOUNT = 'acct_1ShippedCustomer';

describe('Stripe Connect payouts through the shipped server', () => {
  let stripe: FakeStripe;
  let p: ServedPlatform;
  let c: ConnectionSetup;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    p = await startServedPlatform({ ENABLE_FRAUD_DETECTION: 'false', PAYOUT_PROVIDER: 'stripe-connect', STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: 'sk_test_kvittra' }, 'stripe payouts server');
    c = await setupConnection(p, 'square');
  });
  afterAll(async () => {
    await p?.stop();
    await stripe?.close();
  });

  /** A customer verifies a purchase, gives feedback and asks for the reward to this phone; returns the reward. */
  async function earnReward(amountMinor: number): Promise<number> {
    const { qrToken } = await locationQr(p, c);
    const sale = await ingestSale(p, c, amountMinor, 4);
    const s = await startSession(p, { qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 ?? undefined })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.status, fb.text).toBe(200);
    expect((await s.call('POST', '/payout', { phone: PHONE })).status).toBe(200);
    return fb.body.reward.amountMinor as number;
  }

  it('pays the reward as one transfer with its amount, currency and idempotency key', async () => {
    const reward = await earnReward(20_000);
    expect(reward).toBeGreaterThan(0);
    const account = await p.admin('PUT', '/admin/payout-accounts', { phone: PHONE, stripeAccountId: ACCOUNT });
    expect(account.status, account.text).toBe(200);

    const batch = await p.admin('POST', '/admin/payout-batches');
    expect(batch.status, batch.text).toBe(201);
    const submitted = await p.admin('POST', `/admin/payout-batches/${batch.body.id}/submit`);
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.submission).toEqual({ paid: 1, failed: 0, pending: 0 });
    const [payout] = submitted.body.payouts as { id: string; amountMinor: number; status: string; reference: string | null; failureReason: string | null }[];
    expect(payout).toMatchObject({ amountMinor: reward, status: 'paid', failureReason: null });

    expect(stripe.requests).toHaveLength(1);
    const [sent] = stripe.requests;
    expect(sent).toMatchObject({ key: transferIdempotencyKey(payout!.id), auth: 'Bearer sk_test_kvittra', version: STRIPE_API_VERSION, contentType: 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(sent!.form)).toMatchObject({ amount: String(reward), currency: 'sek', destination: ACCOUNT, transfer_group: batch.body.id, 'metadata[payout_id]': payout!.id });
    const transfer = stripe.transfers.get(transferIdempotencyKey(payout!.id));
    expect(transfer).toEqual({ id: payout!.reference, amount: reward, destination: ACCOUNT });

    // Submitting again sends nothing: the payout is paid.
    expect((await p.admin('POST', `/admin/payout-batches/${batch.body.id}/submit`)).body.submission).toEqual({ paid: 0, failed: 0, pending: 0 });
    expect(stripe.requests).toHaveLength(1);
  });
});
