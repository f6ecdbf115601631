import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createBusiness, setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { safeOrgNumber } from '../helpers/webhook-helpers.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession, withoutRandomIds } from '../helpers/customer.js';
import { businessUser, type Browser } from '../helpers/accounts.js';
import { expectError } from '../helpers/admin-helpers.js';

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;

/** Dashboard endpoints: POS "send test event" and the business's payout history, per tenant. */
describe.skipIf(backendUnavailable)('business dashboard: POS test event and payout history', () => {
  let p: TestPlatform;
  let a: ConnectionSetup;
  let b: ConnectionSetup;
  let ownerA: Browser;
  let staffA: Browser;
  let ownerB: Browser;

  beforeAll(async () => {
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false' });
    a = await setupConnection(p, 'square', (await createBusiness(p, { orgNumber: safeOrgNumber() })).id);
    b = await setupConnection(p, 'square', (await createBusiness(p, { orgNumber: safeOrgNumber() })).id);
    ownerA = await businessUser(p, a.businessId, 'agare-a@example.se', 'owner');
    staffA = await businessUser(p, a.businessId, 'personal-a@example.se', 'staff');
    ownerB = await businessUser(p, b.businessId, 'agare-b@example.se', 'owner');
  });
  afterAll(async () => p?.stop());

  const testEventPath = (c: ConnectionSetup) => `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}/test-event`;
  const payoutsPath = (c: ConnectionSetup) => `/admin/businesses/${c.businessId}/rewards/payouts?limit=100`;

  it('a test event updates "last event received" without a transaction, and is audited', async () => {
    const before = await ownerA.call('GET', `/admin/businesses/${a.businessId}/pos-connections/${a.connectionId}`);
    expect(before.body.lastEventAt).toBeNull();
    const res = await ownerA.call('POST', testEventPath(a));
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ test: true, eventType: 'kvittra.test_event', connection: { id: a.connectionId, lastEventAt: res.body.receivedAt } });
    const after = await ownerA.call('GET', `/admin/businesses/${a.businessId}/pos-connections/${a.connectionId}`);
    expect(after.body.lastEventAt).toBe(res.body.receivedAt);
    const events = await p.ctx.db.kysely.selectFrom('webhook_events').selectAll().where('connection_id', '=', a.connectionId).execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event_id: res.body.eventId, status: 'ignored', event_type: 'kvittra.test_event' });
    expect(JSON.parse(events[0]!.effect)).toMatchObject({ kind: 'ignored' });
    const txns = await p.ctx.db.kysely.selectFrom('transactions').select('id').where('business_id', '=', a.businessId).execute();
    expect(txns).toHaveLength(0);
    const audit = await p.admin('GET', `/admin/audit-log?action=pos_connection.test_event&targetId=${a.connectionId}`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ actor: expect.stringMatching(/^user:/), details: { businessId: a.businessId, eventId: res.body.eventId } });
  });

  it('test events: owners only, own business only, unknown or disabled connections refused', async () => {
    expectError(await staffA.call('POST', testEventPath(a)), 403, 'forbidden');
    expectError(await ownerB.call('POST', testEventPath(a)), 403, 'forbidden');
    // A's owner naming A's business with B's connection: the connection is not A's.
    expectError(await ownerA.call('POST', `/admin/businesses/${a.businessId}/pos-connections/${b.connectionId}/test-event`), 404, 'not_found');
    const disabled = await setupConnection(p, 'shopify', a.businessId);
    expect((await ownerA.call('PATCH', `/admin/businesses/${a.businessId}/pos-connections/${disabled.connectionId}`, { status: 'disabled' })).status).toBe(200);
    expectError(await ownerA.call('POST', testEventPath(disabled)), 409, 'conflict');
    expect((await p.ctx.db.kysely.selectFrom('webhook_events').select('id').where('connection_id', '=', disabled.connectionId).execute())).toHaveLength(0);
  });

  async function earn(c: ConnectionSetup, amountMinor: number, phone: string) {
    const { qrToken } = await locationQr(p, c);
    const sale = await ingestSale(p, c, amountMinor, 4);
    const s = await startSession(p, { qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.body.reward.amountMinor).toBeGreaterThan(0);
    expect((await s.call('POST', '/payout', { phone })).body.reward.status).toBe('approved');
    return fb.body.reward.amountMinor as number;
  }

  it('payout history shows only this business’s share, with masked phone numbers', async () => {
    expect((await ownerA.call('GET', payoutsPath(a))).body).toEqual({ items: [], nextCursor: null });
    const fromA = await earn(a, 24_500, '070-123 45 67');
    const fromB = await earn(b, 31_900, '070-123 45 67');
    const batch = await p.admin('POST', '/admin/payout-batches');
    expect(batch.status, batch.text).toBe(201);
    expect(batch.body.totalMinor).toBe(fromA + fromB);

    const pending = await staffA.call('GET', payoutsPath(a));
    expect(pending.status, pending.text).toBe(200);
    expect(pending.body.items).toEqual([expect.objectContaining({ status: 'pending', amountMinor: fromA, rewardCount: 1, paidAt: null, phoneMasked: '••••67' })]);
    expect(withoutRandomIds(pending.text)).not.toMatch(/70123|1234567/);

    expect((await p.admin('POST', `/admin/payout-batches/${batch.body.id}/mark-paid`, {})).status).toBe(200);
    const paid = await ownerA.call('GET', payoutsPath(a));
    expect(paid.body.items).toEqual([expect.objectContaining({ status: 'paid', amountMinor: fromA, paidAt: expect.any(String) })]);
    expect((await ownerB.call('GET', payoutsPath(b))).body.items).toEqual([expect.objectContaining({ status: 'paid', amountMinor: fromB, rewardCount: 1 })]);
  });

  it('payout history is tenant-scoped', async () => {
    expectError(await ownerB.call('GET', payoutsPath(a)), 403, 'forbidden');
    expectError(await staffA.call('GET', payoutsPath(b)), 403, 'forbidden');
    expectError(await p.admin('GET', '/admin/businesses/00000000-0000-7000-8000-000000000000/rewards/payouts'), 404, 'not_found');
  });
});
