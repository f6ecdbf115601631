import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js';
import { payoutProviderOf } from '../../src/rewards/payout-service.js';
import { transferIdempotencyKey } from '../../src/rewards/stripe-connect.js';

/**
 * Stripe Connect Express payouts (item 15) against a fake Stripe on 127.0.0.1: transfers carry the
 * amount the server computed and an idempotency key from the payout id; a refused account fails the
 * payout with Stripe's reason (the money is owed again); 5xx is retried; a replay returns the same transfer.
 */

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;

describe.skipIf(backendUnavailable)('money: Stripe Connect payouts', () => {
  let p: TestPlatform;
  let c: ConnectionSetup;
  let qrToken: string;
  let stripe: FakeStripe;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false', PAYOUT_PROVIDER: 'stripe-connect', STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: 'sk_test_kvittra' });
    c = await setupConnection(p, 'square');
    ({ qrToken } = await locationQr(p, c));
  });
  afterAll(async () => {
    await p?.stop();
    await stripe?.close();
  });

  async function earn(amountMinor: number, phone: string): Promise<number> {
    const sale = await ingestSale(p, c, amountMinor, 4);
    const s = await startSession(p, { qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect((await s.call('POST', '/payout', { phone })).status).toBe(200);
    return fb.body.reward.amountMinor as number;
  }

  it('pays, fails and retries per account; replays never pay twice', async () => {
    const phones = { ok: '070-200 00 01', declined: '070-200 00 02', flaky: '070-200 00 03', none: '070-200 00 04' };
    const owed = { ok: await earn(20_000, phones.ok), declined: await earn(21_000, phones.declined), flaky: await earn(22_000, phones.flaky), none: await earn(23_000, phones.none) };
    for (const [name, account] of [['ok', 'acct_1OkCustomer'], ['declined', 'acct_declined01'], ['flaky', 'acct_flaky0001']] as const) {
      const res = await p.admin('PUT', '/admin/payout-accounts', { phone: phones[name], stripeAccountId: account });
      expect(res.status, res.text).toBe(200);
    }
    expect((await p.admin('PUT', '/admin/payout-accounts', { phone: phones.ok, stripeAccountId: 'not-an-account' })).status).toBe(400);

    const batch = await p.admin('POST', '/admin/payout-batches');
    expect(batch.status, batch.text).toBe(201);
    expect((await p.admin('GET', `/admin/payout-batches/${batch.body.id}/export.csv`)).status).toBe(409);

    const submitted = await p.admin('POST', `/admin/payout-batches/${batch.body.id}/submit`);
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.submission).toEqual({ paid: 2, failed: 2, pending: 0 });
    expect(submitted.body.status).toBe('paid');
    const byAmount = new Map((submitted.body.payouts as { amountMinor: number; status: string; reference: string | null; failureReason: string | null }[]).map((x) => [x.amountMinor, x]));
    expect(byAmount.get(owed.ok)).toMatchObject({ status: 'paid', reference: expect.stringMatching(/^tr_fake/) });
    expect(byAmount.get(owed.flaky)).toMatchObject({ status: 'paid', reference: expect.stringMatching(/^tr_fake/) });
    expect(byAmount.get(owed.declined)).toMatchObject({ status: 'failed', failureReason: expect.stringContaining('account_invalid') });
    expect(byAmount.get(owed.none)).toMatchObject({ status: 'failed', failureReason: expect.stringContaining('no connected Stripe account') });

    // What Stripe saw: form-encoded, authenticated, pinned version, the server's amounts, one key per payout.
    const transfers = stripe.requests.filter((r) => r.form.get('destination'));
    expect(transfers.every((r) => r.contentType === 'application/x-www-form-urlencoded' && r.auth === 'Bearer sk_test_kvittra' && r.version && r.form.get('currency') === 'sek')).toBe(true);
    expect(transfers.filter((r) => r.form.get('destination') === 'acct_flaky0001')).toHaveLength(3); // two 500s, then success
    for (const payout of submitted.body.payouts as { id: string; amountMinor: number; status: string }[]) {
      const sent = transfers.filter((r) => r.key === transferIdempotencyKey(payout.id));
      if (payout.amountMinor === owed.none) expect(sent).toHaveLength(0);
      else expect(sent.every((r) => Number(r.form.get('amount')) === payout.amountMinor && r.form.get('metadata[payout_id]') === payout.id)).toBe(true);
    }
    expect(stripe.transfers.size).toBe(2);

    // A replay of a paid payout (e.g. a crash after Stripe answered) returns the same transfer.
    const okPayout = (submitted.body.payouts as { id: string; amountMinor: number; reference: string }[]).find((x) => x.amountMinor === owed.ok)!;
    const replay = await payoutProviderOf(p.ctx).pay!({ payoutId: okPayout.id, batchId: batch.body.id, amountMinor: okPayout.amountMinor, currency: 'SEK', destination: 'acct_1OkCustomer' });
    expect(replay).toEqual({ status: 'paid', reference: okPayout.reference });
    expect(stripe.transfers.size).toBe(2);
    // Submitting the batch again sends nothing: no payout is pending.
    const before = stripe.requests.length;
    expect((await p.admin('POST', `/admin/payout-batches/${batch.body.id}/submit`)).body.submission).toEqual({ paid: 0, failed: 0, pending: 0 });
    expect(stripe.requests.length).toBe(before);

    // The refused payouts are owed again and join the next batch with the same amounts.
    const next = await p.admin('POST', '/admin/payout-batches');
    expect(next.status, next.text).toBe(201);
    expect((next.body.payouts as { amountMinor: number }[]).map((x) => x.amountMinor).sort()).toEqual([owed.declined, owed.none].sort());
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select('action').where('action', 'in', ['payout_batch.submit', 'payout.mark_failed', 'payout_account.register']).execute();
    expect(audit.filter((a) => a.action === 'payout.mark_failed')).toHaveLength(2);
    expect(audit.filter((a) => a.action === 'payout_account.register')).toHaveLength(3);
  });

  it('the Swish file stays the default provider, and stripe-connect without a key does not start', async () => {
    const { loadConfig } = await import('../../src/config/load.js');
    expect(() => loadConfig({ NODE_ENV: 'test', LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0', ADMIN_TOKEN: 'x'.repeat(24), ENCRYPTION_KEY: 'a'.repeat(64), PAYOUT_PROVIDER: 'stripe-connect' })).toThrow(/STRIPE_SECRET_KEY/);
    const swish = await startTestPlatform();
    try {
      expect(payoutProviderOf(swish.ctx).name).toBe('swish-file');
      const res = await swish.admin('POST', `/admin/payout-batches/${crypto.randomUUID()}/submit`);
      expect(res.status).toBe(409);
    } finally {
      await swish.stop();
    }
  });
});
