import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { connect, transactionsOf } from '../helpers/webhook-helpers.js';
import { squarePayment, squareRefund } from '../helpers/pos-payloads.js';
import { FakeProviderApi, emptyData } from '../helpers/fake-pos/fake-provider-api.js';
import { squareApiPayment, squareApiRefund } from '../helpers/fake-pos/api-items.js';
import { drive } from '../helpers/fake-pos/webhook-driver.js';

interface Sale {
  amount: number;
  delivered: boolean; // its webhook arrived
  refund: 'none' | 'delivered' | 'lost';
}

const saleArb = fc.record({ amount: fc.integer({ min: 100, max: 500_000 }), delivered: fc.boolean(), refund: fc.constantFrom('none', 'delivered', 'lost') }) as fc.Arbitrary<Sale>;

/**
 * Whatever subset of webhooks was lost: after one reconciliation the stored transactions equal the
 * provider's, a second run repairs nothing, and repairs never exceed what was lost.
 */
describe.skipIf(backendUnavailable)('reconciliation converges (property)', () => {
  const data = emptyData();
  let api: FakeProviderApi;
  let p: TestPlatform;

  beforeAll(async () => {
    api = await new FakeProviderApi(data).start();
    data.validTokens.add('prop-token');
    p = await startTestPlatform({ POS_SQUARE_API_URLS: api.url, POS_HEALTH_CHECK_INTERVAL_MS: '0' });
    await p.ctx.queue.drain();
  });
  afterAll(async () => {
    await p?.stop();
    await api?.stop();
  });

  it('repairs exactly the lost webhooks, once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(saleArb, { minLength: 1, maxLength: 5 }), async (sales) => {
        const c = await connect(p, 'square');
        expect((await p.admin('PUT', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}/api-credentials`, { accessToken: 'prop-token' })).status).toBe(200);
        const loc = c.externalLocationId!;
        const expected: Array<[string, number, string]> = [];
        let lost = 0;
        for (const s of sales) {
          const pay = squareApiPayment({ amount: s.amount, locationId: loc });
          data.square.payments.push(pay);
          if (s.delivered) await drive(p, [squarePayment(c, { paymentId: pay.id, amount: s.amount, createdAt: pay.created_at })]);
          else lost++;
          if (s.refund !== 'none') {
            const refund = squareApiRefund({ paymentId: pay.id, amount: s.amount, locationId: loc });
            data.square.refunds.push(refund);
            if (s.refund === 'delivered') await drive(p, [squareRefund(c, { paymentId: pay.id, amount: s.amount, status: 'COMPLETED', refundId: refund.id })]);
            else lost++;
          }
          expected.push([pay.id, s.amount, s.refund === 'none' ? 'completed' : 'refunded']);
        }
        await p.ctx.queue.drain();
        const first = (await p.admin('POST', '/swedish-ops/data-consistency/check', { connectionId: c.connectionId })).body.runs[0];
        expect(first).toMatchObject({ status: 'ok', repaired: lost, missing: sales.filter((s) => !s.delivered).length });
        await p.ctx.queue.drain();
        const second = (await p.admin('POST', '/swedish-ops/data-consistency/check', { connectionId: c.connectionId })).body.runs[0];
        expect(second).toMatchObject({ status: 'ok', repaired: 0, missing: 0, mismatched: 0 });
        const txs = await transactionsOf(p, c.businessId);
        expect(txs.map((t) => [t.externalId, t.amountMinor, t.status]).sort()).toEqual(expected.sort());
      }),
      { numRuns: 4 },
    );
  }, 180_000);
});
