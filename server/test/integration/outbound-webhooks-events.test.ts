import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession, withoutRandomIds } from '../helpers/customer.js';
import { TestReceiver } from '../helpers/webhook-receiver.js';
import { deliveryCounts } from '../../src/delivery/counts.js';

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;

type Ev = { type: string; data: Record<string, unknown> };

/**
 * The four business events reach a merchant's endpoint from the real flows: a POS sale, a customer's
 * scored feedback and its reward, and the payout batch marked paid — each exactly once.
 */
describe('outbound events from the feedback loop', () => {
  let p: TestPlatform;
  let r: TestReceiver;
  beforeAll(async () => {
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false' });
    r = await new TestReceiver().start();
  });
  afterAll(async () => {
    await r?.stop();
    await p?.stop();
  });

  it('transaction.received → feedback.scored + reward.created → reward.paid', async () => {
    const c = await setupConnection(p, 'square');
    const ep = await p.admin('POST', `/admin/businesses/${c.businessId}/webhook-endpoints`, { url: r.url, eventTypes: ['transaction.received', 'feedback.scored', 'reward.created', 'reward.paid'] });
    expect(ep.status).toBe(201);
    r.secrets = [ep.body.secret];
    const { qrToken } = await locationQr(p, c);
    const sale = await ingestSale(p, c, 24_500, 4);
    const s = await startSession(p, { qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(24_500), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.status, fb.text).toBe(200);
    expect((await s.call('POST', '/payout', { phone: '070-765 43 21' })).body.reward.status).toBe('approved');
    const batch = await p.admin('POST', '/admin/payout-batches');
    expect(batch.status, batch.text).toBe(201);
    expect((await p.admin('POST', `/admin/payout-batches/${batch.body.id}/mark-paid`, { reference: 'SWISH-1' })).status).toBe(200);
    await r.waitFor((x) => x.received.length >= 4);
    await p.ctx.queue.drain();
    const events = r.received.map((x) => x.body as Ev);
    const byType = (t: string) => events.filter((e) => e.type === t);
    expect(events.map((e) => e.type).sort()).toEqual(['feedback.scored', 'reward.created', 'reward.paid', 'transaction.received']);
    const tx = byType('transaction.received')[0]!.data;
    expect(tx).toMatchObject({ businessId: c.businessId, externalId: sale.paymentId, amountMinor: 24_500, provider: 'square' });
    const scored = byType('feedback.scored')[0]!.data;
    expect(scored).toMatchObject({ sessionId: s.sessionId, locationId: c.locationId });
    expect(scored.score).toBe(fb.body.qualityScore);
    const created = byType('reward.created')[0]!.data;
    expect(created).toMatchObject({ sessionId: s.sessionId, transactionId: tx.transactionId, amountMinor: fb.body.reward.amountMinor, currency: 'SEK' });
    const paid = byType('reward.paid')[0]!.data;
    expect(paid).toMatchObject({ rewardId: created.rewardId, status: 'paid', batchId: batch.body.id, amountMinor: created.amountMinor });
    // The receiver answers before the worker commits the attempt: poll until the rows say delivered.
    const deadline = Date.now() + 10_000;
    while ((await deliveryCounts(p.ctx.db, c.businessId)).delivered < 4 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 25));
    expect(await deliveryCounts(p.ctx.db, c.businessId)).toEqual({ events: 4, deliveries: 4, pending: 0, inFlight: 0, delivered: 4, dead: 0, attempts: 4 });
    // No personal data leaves: the customer's phone number is in no event.
    expect(withoutRandomIds(JSON.stringify(events), sale.paymentId)).not.toMatch(/70765|7654321|765 43 21/);
  });
});
