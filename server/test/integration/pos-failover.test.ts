import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { connect, transactionsOf } from '../helpers/webhook-helpers.js';
import { shopifyOrder, squarePayment, squareRefund, zettlePurchase } from '../helpers/pos-payloads.js';
import { FakeProviderApi, emptyData } from '../helpers/fake-pos/fake-provider-api.js';
import { squareApiPayment } from '../helpers/fake-pos/api-items.js';
import { drive, withWrongSignature } from '../helpers/fake-pos/webhook-driver.js';
import { posSyncFor } from '../../src/pos-sync/service.js';

/**
 * Endpoint failover and the admin surface over real HTTP: Square has a primary and a secondary fake
 * endpoint sharing one data set; Zettle has only a primary. Also the inbound side: duplicated,
 * reordered and wrongly signed webhooks from the driver.
 */
describe.skipIf(backendUnavailable)('POS endpoint failover and admin', () => {
  const data = emptyData();
  let primary: FakeProviderApi;
  let secondary: FakeProviderApi;
  let zettle: FakeProviderApi;
  let p: TestPlatform;

  beforeAll(async () => {
    primary = await new FakeProviderApi(data).start();
    secondary = await new FakeProviderApi(data).start();
    zettle = await new FakeProviderApi(data).start();
    p = await startTestPlatform({
      POS_SQUARE_API_URLS: `${primary.url},${secondary.url}`,
      POS_ZETTLE_API_URLS: zettle.url,
      POS_ZETTLE_OAUTH_URL: zettle.url,
      POS_HEALTH_CHECK_INTERVAL_MS: '0',
      POS_BREAKER_FAILURES: '2',
      POS_API_RETRY_BASE_MS: '5',
    });
    await p.ctx.queue.drain();
  });
  afterAll(async () => {
    await p?.stop();
    await Promise.all([primary, secondary, zettle].map((f) => f?.stop()));
  });

  const health = async (provider: string) => (await p.api('GET', `/pos/health/${provider}`)).body;
  const failovers = () => p.ctx.db.kysely.selectFrom('pos_failover_events').selectAll().orderBy('created_at').orderBy('id').execute();

  it('fails over to the secondary when the primary fails, and back when it is healthy', async () => {
    const c = await connect(p, 'square');
    data.validTokens.add('fo-token');
    await p.admin('PUT', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}/api-credentials`, { accessToken: 'fo-token' });
    data.square.payments.push(squareApiPayment({ amount: 5_000, locationId: c.externalLocationId! }));
    expect((await health('square')).activeEndpoint).toBe('primary');

    primary.down = { kind: 'status', status: 503 };
    const res = await p.admin('POST', '/swedish-ops/data-consistency/check', { connectionId: c.connectionId });
    expect(res.body.runs[0]).toMatchObject({ status: 'ok', repaired: 1 });
    expect(secondary.apiRequests('/v2/payments').length).toBeGreaterThan(0);
    const during = await health('square');
    expect(during).toMatchObject({ provider: 'square', status: 'degraded', activeEndpoint: 'secondary' });
    expect(during.endpoints[0]).toMatchObject({ name: 'primary', breaker: 'open', active: false });
    await p.ctx.queue.drain();
    expect(await transactionsOf(p, c.businessId)).toHaveLength(1);

    // Still down: the health check keeps traffic on the secondary.
    await posSyncFor(p.ctx).runHealthChecks();
    expect((await health('square')).activeEndpoint).toBe('secondary');
    primary.down = null;
    await posSyncFor(p.ctx).runHealthChecks();
    const after = await health('square');
    expect(after).toMatchObject({ status: 'healthy', activeEndpoint: 'primary' });
    expect(after.endpoints[0]).toMatchObject({ healthy: true, breaker: 'closed' });
    await posSyncFor(p.ctx).settled(); // automatic switches are stored asynchronously
    expect((await failovers()).map((f) => [f.kind, f.from_endpoint, f.to_endpoint])).toEqual([['automatic', 'primary', 'secondary'], ['recovery', 'secondary', 'primary']]);

    const metrics = (await p.admin('GET', '/metrics')).text;
    expect(metrics).toContain('pos_endpoint_active{provider="square",endpoint="primary"} 1');
    expect(metrics).toContain('pos_endpoint_active{provider="square",endpoint="secondary"} 0');
    expect(metrics).toMatch(/pos_api_requests_total\{provider="square",endpoint="primary",status="503"\} \d/);
    expect(metrics).toContain('pos_api_breaker_state{provider="square",endpoint="primary"} 0');
  });

  it('waits out a 429 (Retry-After) during reconciliation without failing over', async () => {
    const c = await connect(p, 'square');
    data.validTokens.add('rl-token');
    await p.admin('PUT', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}/api-credentials`, { accessToken: 'rl-token' });
    const before = primary.apiRequests('/v2/payments').length;
    primary.inject({ kind: 'status', status: 429, retryAfter: '1', body: '{"errors":[{"category":"RATE_LIMIT_ERROR","code":"RATE_LIMITED"}]}' });
    const res = await p.admin('POST', '/swedish-ops/data-consistency/check', { connectionId: c.connectionId });
    expect(res.body.runs[0]).toMatchObject({ status: 'ok', errors: 0 });
    const [limited, retried] = primary.apiRequests('/v2/payments').slice(before);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1000);
    expect((await health('square')).activeEndpoint).toBe('primary');
  });

  it('public health shows states only, never URLs or tokens', async () => {
    const res = await p.api('GET', '/pos/health/square');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(primary.url);
    expect(res.text).not.toContain('fo-token');
    expect((await p.api('GET', '/pos/health/mpos')).status).toBe(400);
  });

  it('manual failover: validated, audited, stored, and reversible with a target', async () => {
    const short = await p.admin('POST', '/admin/pos/failover', { provider: 'square', reason: 'too short' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('validation_failed');
    expect((await p.admin('POST', '/admin/pos/failover', { provider: 'nope', reason: 'primary endpoint down' })).status).toBe(400);
    expect((await p.api('POST', '/admin/pos/failover', { provider: 'square', reason: 'primary endpoint down' })).status).toBe(401);

    const res = await p.admin('POST', '/admin/pos/failover', { provider: 'square', reason: 'primary_endpoint_down in Stockholm' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ provider: 'square', from: 'primary', to: 'secondary', kind: 'manual', reason: 'primary_endpoint_down in Stockholm' });
    expect((await health('square')).endpoints[0]).toMatchObject({ drained: true });
    await posSyncFor(p.ctx).runHealthChecks(); // a healthy but drained primary stays out
    expect((await health('square')).activeEndpoint).toBe('secondary');

    const single = await p.admin('POST', '/admin/pos/failover', { provider: 'zettle', reason: 'nothing to fail over to' });
    expect(single.status).toBe(409);

    const back = await p.admin('POST', '/admin/pos/failover', { provider: 'square', reason: 'provider confirmed the fix', target: 'primary' });
    expect(back.body).toMatchObject({ from: 'secondary', to: 'primary' });
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'pos.failover').orderBy('id').execute(); // UUIDv7 ids: insertion order
    expect(audit.map((a) => JSON.parse(a.details!))).toEqual([{ from: 'primary', to: 'secondary', reason: 'primary_endpoint_down in Stockholm' }, { from: 'secondary', to: 'primary', reason: 'provider confirmed the fix' }]);

    const dr = await p.admin('GET', '/admin/disaster-recovery/status');
    expect(dr.status).toBe(200);
    expect(dr.body.overall).toBe('healthy');
    expect(dr.body.providers.map((x: { provider: string }) => x.provider)).toEqual(['square', 'shopify', 'zettle']);
    expect(dr.body.recentFailovers[0]).toMatchObject({ provider: 'square', kind: 'manual', to: 'primary', actor: expect.any(String) });
    expect(dr.body.reconciliationLast24h.runs).toBeGreaterThan(0);
    expect(dr.body.recoveryPlans.map((r: { id: string }) => r.id)).toContain('single_provider_failure');
  });

  it('pools: inspect and optimise (audited)', async () => {
    const res = await p.admin('GET', '/admin/pos/pools');
    expect(res.status).toBe(200);
    expect(res.body.sizing).toEqual({ base: 10, min: 20, max: 50 });
    const sq = res.body.providers.find((x: { provider: string }) => x.provider === 'square');
    expect(sq.connections).toBe(10);
    expect(sq.endpoints.map((e: { name: string }) => e.name)).toEqual(['primary', 'secondary']);
    expect(sq.endpoints[0].pools[0]).toMatchObject({ origin: primary.url, size: expect.any(Number), running: 0 });
    const opt = await p.admin('POST', '/admin/pos/pools/optimize');
    expect(opt.status).toBe(200);
    expect(opt.body.changes).toEqual([]); // idle at the base size: nothing to change
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'pos.pools.optimize').execute();
    expect(audit).toHaveLength(1);
    expect((await p.api('GET', '/admin/pos/pools')).status).toBe(401);
  });

  it('inbound: duplicated, reordered and wrongly signed webhooks end in one right final state', async () => {
    const sq = await connect(p, 'square');
    const sale = squarePayment(sq, { amount: 10_000 });
    const paymentId = JSON.parse(sale.body).data.id as string;
    const refund = squareRefund(sq, { paymentId, amount: 4_000, status: 'COMPLETED' });
    expect(await drive(p, [withWrongSignature(sale)])).toEqual([401]);
    const statuses = await drive(p, [sale, refund], { reverse: true, copies: 3 });
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    await p.ctx.queue.drain();
    const [tx] = await transactionsOf(p, sq.businessId);
    expect(tx).toMatchObject({ externalId: paymentId, amountMinor: 10_000, refundedAmountMinor: 4_000, status: 'partially_refunded' });
    const events = await p.ctx.db.kysely.selectFrom('webhook_events').select('event_id').where('connection_id', '=', sq.connectionId).execute();
    expect(events).toHaveLength(2);

    const shop = await connect(p, 'shopify');
    const order = shopifyOrder(shop, { total: '50.00' });
    const zc = await connect(p, 'zettle');
    const purchase = zettlePurchase(zc, { amount: 2_500 });
    expect(await drive(p, [order, purchase], { copies: 4, concurrent: true })).toEqual(Array(8).fill(200));
    await p.ctx.queue.drain();
    expect(await transactionsOf(p, shop.businessId)).toHaveLength(1);
    expect(await transactionsOf(p, zc.businessId)).toHaveLength(1);
  });
});
