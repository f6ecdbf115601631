import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { connect, transactionsOf } from '../helpers/webhook-helpers.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';
import { squarePayment } from '../helpers/pos-payloads.js';
import { FakeProviderApi, emptyData } from '../helpers/fake-pos/fake-provider-api.js';
import { shopifyApiOrder, squareApiPayment, squareApiRefund, zettleApiPurchase } from '../helpers/fake-pos/api-items.js';
import { loadCredentials } from '../../src/pos-sync/credentials.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { RECONCILE_ALL_JOB } from '../../src/pos-sync/jobs.js';

/**
 * Reconciliation over real HTTP: fake Square/Shopify/Zettle list APIs on loopback, the server
 * compares them with what the webhooks delivered and repairs through the normal apply path.
 */
const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;

describe.skipIf(backendUnavailable)('POS API reconciliation', () => {
  const data = emptyData();
  let square: FakeProviderApi;
  let shopify: FakeProviderApi;
  let zettle: FakeProviderApi;
  let p: TestPlatform;

  beforeAll(async () => {
    square = await new FakeProviderApi(data).start();
    shopify = await new FakeProviderApi(data).start();
    zettle = await new FakeProviderApi(data).start();
    p = await startTestPlatform({
      ENABLE_FRAUD_DETECTION: 'false',
      POS_SQUARE_API_URLS: square.url,
      POS_SHOPIFY_API_URLS: shopify.url,
      POS_ZETTLE_API_URLS: zettle.url,
      POS_ZETTLE_OAUTH_URL: zettle.url,
      POS_HEALTH_CHECK_INTERVAL_MS: '0',
      POS_API_RETRY_BASE_MS: '5',
    });
    await p.ctx.queue.drain(); // the scheduled run at start-up, before any credentials exist
  });
  afterAll(async () => {
    await p?.stop();
    await Promise.all([square, shopify, zettle].map((f) => f?.stop()));
  });

  async function credentials(c: ConnectionSetup, body: Record<string, string>) {
    const res = await p.admin('PUT', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}/api-credentials`, body);
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  async function check(c: ConnectionSetup) {
    const res = await p.admin('POST', '/swedish-ops/data-consistency/check', { connectionId: c.connectionId });
    expect(res.status, res.text).toBe(200);
    expect(await p.ctx.queue.drain()).toBe(true);
    return res.body.runs[0];
  }

  it('stores credentials encrypted, never echoes them, and audits the change', async () => {
    const c = await connect(p, 'zettle');
    const bad = await p.admin('PUT', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}/api-credentials`, { apiKey: 'only-the-key' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.missing).toEqual(['clientId']);
    const ok = await credentials(c, { apiKey: 'zettle-api-key-secret', clientId: 'client-1' });
    expect(ok).toEqual({ connectionId: c.connectionId, provider: 'zettle', fields: ['apiKey', 'clientId'], expiresAt: null });
    const row = await p.ctx.db.kysely.selectFrom('pos_api_credentials').selectAll().where('connection_id', '=', c.connectionId).executeTakeFirstOrThrow();
    expect(row.credentials_enc).not.toContain('zettle-api-key-secret');
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'pos_connection.api_credentials').where('target_id', '=', c.connectionId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).not.toContain('zettle-api-key-secret');
  });

  it('repairs a sale whose webhook was lost, exactly once, and a late webhook adds nothing', async () => {
    const c = await connect(p, 'square');
    data.validTokens.add('sq-token-1');
    await credentials(c, { accessToken: 'sq-token-1' });
    const seen = squareApiPayment({ amount: 12_350, locationId: c.externalLocationId! });
    const lost = squareApiPayment({ amount: 8_900, locationId: c.externalLocationId! });
    data.square.payments.push(seen, lost);
    const wh = squarePayment(c, { paymentId: seen.id, amount: 12_350, createdAt: seen.created_at });
    expect((await p.api('POST', wh.path, wh.body, wh.headers)).status).toBe(200);
    await p.ctx.queue.drain();

    const first = await check(c);
    expect(first).toMatchObject({ connectionId: c.connectionId, provider: 'square', status: 'ok', checked: 2, missing: 1, mismatched: 0, repaired: 1, errors: 0 });
    const second = await check(c);
    expect(second).toMatchObject({ checked: 2, missing: 0, mismatched: 0, repaired: 0 });

    const late = squarePayment(c, { paymentId: lost.id, amount: 8_900, createdAt: lost.created_at });
    expect((await p.api('POST', late.path, late.body, late.headers)).status).toBe(200);
    await p.ctx.queue.drain();
    const txs = await transactionsOf(p, c.businessId);
    expect(txs.map((t) => [t.externalId, t.amountMinor, t.status]).sort()).toEqual([[lost.id, 8_900, 'completed'], [seen.id, 12_350, 'completed']].sort());
    const repairs = await p.ctx.db.kysely.selectFrom('webhook_events').select('event_id').where('connection_id', '=', c.connectionId).where('event_id', 'like', 'reconcile:%').execute();
    expect(repairs).toHaveLength(1);
    const sent = square.apiRequests('/v2/payments').at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer sq-token-1');
    expect(sent.headers['square-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent.query.get('location_id')).toBe(c.externalLocationId);
    expect(sent.query.get('begin_time')! < sent.query.get('end_time')!).toBe(true);

    const runs = await p.admin('GET', `/admin/pos/reconciliation-runs?connectionId=${c.connectionId}`);
    expect(runs.body.items.map((r: { repaired: number }) => r.repaired)).toEqual([0, 1]);
  });

  it('repairs a refund the webhook missed and claws the reward back', async () => {
    const c = await connect(p, 'square');
    expect((await p.admin('POST', `/admin/businesses/${c.businessId}/trial/activate`)).status).toBe(200);
    const { qrToken } = await locationQr(p, c);
    const sale = await ingestSale(p, c, 25_000, 4);
    const s = await startSession(p, { qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(25_000), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.body.reward.amountMinor).toBeGreaterThan(0);
    const reward = await p.ctx.db.kysely.selectFrom('rewards').select(['id', 'status']).where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(reward.status).not.toBe('reversed');

    data.validTokens.add('sq-token-2');
    await credentials(c, { accessToken: 'sq-token-2' });
    data.square.payments.push(squareApiPayment({ id: sale.paymentId, amount: 25_000, locationId: c.externalLocationId!, createdAt: sale.occurredAt }));
    data.square.refunds.push(squareApiRefund({ paymentId: sale.paymentId, amount: 25_000, locationId: c.externalLocationId! }));

    const run = await check(c);
    expect(run).toMatchObject({ checked: 2, missing: 0, mismatched: 1, repaired: 1 });
    expect(await p.ctx.queue.drain()).toBe(true);
    const [tx] = await transactionsOf(p, c.businessId);
    expect(tx).toMatchObject({ externalId: sale.paymentId, status: 'refunded', refundedAmountMinor: 25_000 });
    const after = await p.ctx.db.kysely.selectFrom('rewards').select('status').where('id', '=', reward.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('reversed');
    const metrics = await p.admin('GET', '/metrics');
    expect(metrics.text).toMatch(/pos_reconciliation_repairs_total\{provider="square",kind="missing_refund"\} [1-9]/);
  });

  it('refreshes an expired Square token once and stores the new one encrypted', async () => {
    const c = await connect(p, 'square');
    data.squareRefresh.set('refresh-1', 'sq-fresh-token');
    await credentials(c, { accessToken: 'sq-expired', refreshToken: 'refresh-1', clientId: 'sq-app', clientSecret: 'sq-secret' });
    data.square.payments.push(squareApiPayment({ amount: 4_200, locationId: c.externalLocationId! }), squareApiPayment({ amount: 4_300, locationId: c.externalLocationId! }));
    square.maxPageSize = 1;
    const run = await check(c);
    square.maxPageSize = 1000;
    expect(run).toMatchObject({ status: 'ok', missing: 2, repaired: 2 });
    expect(square.apiRequests('/v2/payments').slice(-2).map((r) => r.query.get('cursor'))).toEqual([null, '1']);
    const refresh = square.apiRequests('/oauth2/token');
    expect(refresh).toHaveLength(1);
    expect(JSON.parse(refresh[0]!.body)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'sq-app' });
    const stored = await loadCredentials(p.ctx.db, p.ctx.config.encryptionKey, c.connectionId);
    expect(stored?.credentials.accessToken).toBe('sq-fresh-token');
  });

  it('reports a connection whose token cannot be refreshed as a failed run', async () => {
    const c = await connect(p, 'shopify');
    await credentials(c, { accessToken: 'shpat_revoked' });
    const run = await check(c);
    expect(run).toMatchObject({ status: 'failed', errors: 1, repaired: 0 });
    expect(run.errorDetails[0]).toMatch(/cannot be refreshed/);
  });

  it('Shopify: repairs a missing order and its refund (64-bit ids exact, Link pagination)', async () => {
    const c = await connect(p, 'shopify');
    data.validTokens.add('shpat_ok');
    await credentials(c, { accessToken: 'shpat_ok' });
    const refunded = '820982911946154508';
    const plain = '820982911946154509';
    data.shopifyOrders.push(shopifyApiOrder({ id: refunded, total: '199.65', locationId: c.externalLocationId!, refund: { id: '509562969', amount: '199.65' } }));
    data.shopifyOrders.push(shopifyApiOrder({ id: plain, total: '10.00', locationId: c.externalLocationId! }));
    shopify.maxPageSize = 1;
    const before = shopify.apiRequests('/admin/api/').length;
    const run = await check(c);
    shopify.maxPageSize = 1000;
    expect(run).toMatchObject({ status: 'ok', missing: 2, mismatched: 1, repaired: 3 });
    const txs = await transactionsOf(p, c.businessId);
    expect(txs.map((t) => [t.externalId, t.amountMinor, t.status]).sort()).toEqual([[refunded, 19_965, 'refunded'], [plain, 1_000, 'completed']]);
    const calls = shopify.apiRequests('/admin/api/').slice(before);
    expect(calls.map((r) => r.query.get('page_info'))).toEqual([null, '1']);
    expect(calls[0]!.headers['x-shopify-access-token']).toBe('shpat_ok');
    expect(calls[0]!.query.get('status')).toBe('any');
    expect(calls[0]!.query.get('updated_at_min')).toBeTruthy();
  });

  it('Zettle: exchanges the API key for a token (assertion grant) and repairs a missing purchase', async () => {
    const c = await connect(p, 'zettle');
    data.zettleKeys.set('zettle-key-2', 'zettle-access-2');
    await credentials(c, { apiKey: 'zettle-key-2', clientId: 'client-2' });
    const purchase = zettleApiPurchase({ amount: 35_300 });
    const refundedSale = zettleApiPurchase({ amount: 5_000 });
    const refund = zettleApiPurchase({ amount: 5_000, refundOf: refundedSale.purchaseUUID1 as string });
    data.zettlePurchases.push(purchase, refundedSale, refund);
    zettle.maxPageSize = 2;
    const run = await check(c);
    zettle.maxPageSize = 1000;
    expect(run).toMatchObject({ status: 'ok', missing: 2, mismatched: 1, repaired: 3, errors: 0 });
    expect(zettle.apiRequests('/purchases/v2').slice(-3).map((r) => r.query.get('lastPurchaseHash'))).toEqual([null, '2', '3']); // an empty page ends it
    const token = zettle.apiRequests('/token').at(-1)!;
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: 'client-2', assertion: 'zettle-key-2' });
    expect(zettle.apiRequests('/purchases/v2').at(-1)!.headers.authorization).toBe('Bearer zettle-access-2');
    const txs = await transactionsOf(p, c.businessId);
    expect(txs.map((t) => [t.externalId, t.amountMinor, t.status]).sort()).toEqual([[purchase.purchaseUUID1, 35_300, 'completed'], [refundedSale.purchaseUUID1, 5_000, 'refunded']].sort());
  });

  it('checks a whole business, validates input and audits', async () => {
    const c = await connect(p, 'square');
    data.validTokens.add('sq-token-3');
    await credentials(c, { accessToken: 'sq-token-3' });
    const res = await p.admin('POST', '/swedish-ops/data-consistency/check', { businessId: c.businessId });
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({ connections: 1, errors: 0 });
    expect((await p.admin('POST', '/swedish-ops/data-consistency/check', { connectionId: 'not-a-uuid' })).status).toBe(400);
    expect((await p.admin('POST', '/swedish-ops/data-consistency/check', { connectionId: '0190a0a0-0000-7000-8000-000000000000' })).status).toBe(404);
    expect((await p.api('POST', '/swedish-ops/data-consistency/check', {})).status).toBe(401);
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'pos.data_consistency_check').where('target_id', '=', c.businessId).execute();
    expect(audit).toHaveLength(1);
  });

  it('the scheduled job reconciles every connection with credentials, one job each', async () => {
    const c = await connect(p, 'square');
    data.validTokens.add('sq-token-4');
    await credentials(c, { accessToken: 'sq-token-4' });
    data.square.payments.push(squareApiPayment({ amount: 777, locationId: c.externalLocationId! }));
    await p.ctx.db.writer.run((trx) => p.ctx.queue.enqueue(trx, RECONCILE_ALL_JOB, {}));
    expect(await p.ctx.queue.drain()).toBe(true);
    const runs = await p.ctx.db.kysely.selectFrom('pos_reconciliation_runs').selectAll().where('trigger', '=', 'scheduled').execute();
    const mine = runs.filter((r) => r.connection_id === c.connectionId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'ok', missing: 1, repaired: 1 });
    expect(new Set(runs.map((r) => r.connection_id)).size).toBe(runs.length); // one run per connection
    expect((await transactionsOf(p, c.businessId)).map((t) => t.amountMinor)).toEqual([777]);
  });
});
