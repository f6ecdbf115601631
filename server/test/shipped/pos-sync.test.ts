/**
 * POS reconciliation and provider health from the shipped server against fake Square and Zettle APIs on
 * 127.0.0.1: a reconciliation run refreshes an expired Square token and repairs the sale whose webhook
 * was lost (undici Pool per provider endpoint); Zettle's API key is exchanged for a token at its OAuth
 * server (undici request) before its purchases are listed. The in-process health check probes the fake
 * through the same pool: up while it answers, down once it stops.
 *
 * Against a bundle built from `once(() => import('undici'))` (the defect) the runs fail
 * ("Pool is not a constructor") and the health check reports the provider down while the fake is up.
 *
 * @covers core/undici-exports.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { FakeProviderApi, emptyData } from '../helpers/fake-pos/fake-provider-api.js';
import { squareApiPayment, zettleApiPurchase } from '../helpers/fake-pos/api-items.js';
import { squarePayment } from '../helpers/pos-payloads.js';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';
import { connect, drain, transactionsOf } from '../helpers/webhook-helpers.js';

describe('POS reconciliation and health through the shipped server', () => {
  const data = emptyData();
  let square: FakeProviderApi;
  let zettle: FakeProviderApi;
  let p: ServedPlatform;

  beforeAll(async () => {
    square = await new FakeProviderApi(data).start();
    zettle = await new FakeProviderApi(data).start();
    p = await startServedPlatform(
      {
        ENABLE_FRAUD_DETECTION: 'false',
        POS_SQUARE_API_URLS: square.url,
        POS_ZETTLE_API_URLS: zettle.url,
        POS_ZETTLE_OAUTH_URL: zettle.url,
        // Probes every 200 ms, so "up" and "down" show within a poll instead of the default 30 s.
        POS_HEALTH_CHECK_INTERVAL_MS: '200',
        POS_API_RETRY_BASE_MS: '5',
      },
      'pos-sync server',
    );
  });
  afterAll(async () => {
    await p?.stop();
    await Promise.all([square, zettle].map((f) => f?.stop()));
  });

  async function putCredentials(c: ConnectionSetup, body: Record<string, string>) {
    const res = await p.admin('PUT', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}/api-credentials`, body);
    expect(res.status, res.text).toBe(200);
  }

  async function reconcile(c: ConnectionSetup) {
    const res = await p.admin('POST', '/swedish-ops/data-consistency/check', { connectionId: c.connectionId });
    expect(res.status, res.text).toBe(200);
    await drain(p); // repairs go through the normal apply job
    return res.body.runs[0];
  }

  const health = async (provider: string) => (await p.api('GET', `/pos/health/${provider}`)).body;

  it('Square: refreshes the expired token and repairs the sale whose webhook was lost', async () => {
    const c = await connect(p, 'square');
    data.squareRefresh.set('sq-refresh-1', 'sq-fresh-token');
    await putCredentials(c, { accessToken: 'sq-expired', refreshToken: 'sq-refresh-1', clientId: 'sq-app', clientSecret: 'sq-secret' });
    const seen = squareApiPayment({ amount: 12_350, locationId: c.externalLocationId! });
    const lost = squareApiPayment({ amount: 8_900, locationId: c.externalLocationId! });
    data.square.payments.push(seen, lost);
    const wh = squarePayment(c, { paymentId: seen.id, amount: 12_350, createdAt: seen.created_at });
    expect((await p.api('POST', wh.path, wh.body, wh.headers)).status).toBe(200);
    await drain(p);

    const run = await reconcile(c);
    expect(run).toMatchObject({ connectionId: c.connectionId, provider: 'square', status: 'ok', checked: 2, missing: 1, repaired: 1, errors: 0 });
    const txs = await transactionsOf(p, c.businessId);
    expect(txs.map((t) => [t.externalId, t.amountMinor, t.status]).sort()).toEqual([[lost.id, 8_900, 'completed'], [seen.id, 12_350, 'completed']].sort());

    // What the fake saw: one refresh with the stored refresh token, then listings with the fresh token.
    const refresh = square.apiRequests('/oauth2/token');
    expect(refresh.map((r) => JSON.parse(r.body))).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'sq-refresh-1', client_id: 'sq-app' })]);
    expect(square.apiRequests('/v2/payments').at(-1)!.headers.authorization).toBe('Bearer sq-fresh-token');
    expect((await reconcile(c))).toMatchObject({ status: 'ok', missing: 0, repaired: 0 });
    const metrics = (await p.admin('GET', '/metrics')).text;
    expect(metrics).toMatch(/^pos_reconciliation_repairs_total\{provider="square",kind="missing_sale"\} 1$/m);
  });

  it('Zettle: exchanges the API key for a token and repairs a missing purchase', async () => {
    const c = await connect(p, 'zettle');
    data.zettleKeys.set('zettle-key-1', 'zettle-access-1');
    await putCredentials(c, { apiKey: 'zettle-key-1', clientId: 'client-1' });
    const purchase = zettleApiPurchase({ amount: 35_300 });
    data.zettlePurchases.push(purchase);

    const run = await reconcile(c);
    expect(run).toMatchObject({ provider: 'zettle', status: 'ok', missing: 1, repaired: 1, errors: 0 });
    const token = zettle.apiRequests('/token');
    expect(token.map((r) => Object.fromEntries(new URLSearchParams(r.body)))).toEqual([{ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: 'client-1', assertion: 'zettle-key-1' }]);
    expect(zettle.apiRequests('/purchases/v2').at(-1)!.headers.authorization).toBe('Bearer zettle-access-1');
    const txs = await transactionsOf(p, c.businessId);
    expect(txs.map((t) => [t.externalId, t.amountMinor, t.status])).toEqual([[purchase.purchaseUUID1, 35_300, 'completed']]);
  });

  it('health: the provider is up while the fake answers the probes, down once it stops', async () => {
    // A probe that ran and succeeded: lastCheckAt is set only by the health check.
    await expect.poll(async () => (await health('square')).endpoints[0], { timeout: 10_000 }).toMatchObject({ name: 'primary', healthy: true, lastCheckAt: expect.any(String), lastError: null });
    expect(await health('square')).toMatchObject({ provider: 'square', status: 'healthy', activeEndpoint: 'primary', lastReconciliation: { status: 'ok' } });
    expect(square.requests.some((r) => r.path === '/')).toBe(true);
    const pools = await p.admin('GET', '/admin/pos/pools');
    const squarePools = pools.body.providers.find((x: { provider: string }) => x.provider === 'square');
    expect(squarePools.endpoints[0].pools.map((x: { origin: string }) => x.origin)).toEqual([square.url]);
    expect((await p.admin('GET', '/metrics')).text).toMatch(/^pos_api_breaker_state\{provider="square",endpoint="primary"\} 0$/m);

    await square.stop();
    // The probe that meets the closing socket may see ECONNRESET; the next ones find nothing listening.
    await expect.poll(async () => (await health('square')).endpoints[0], { timeout: 10_000 }).toMatchObject({ healthy: false, lastError: 'health check: ECONNREFUSED' });
    expect((await health('square')).status).toBe('down');
    // The Zettle fake still answers: only Square is down.
    expect((await health('zettle')).status).toBe('healthy');
  });
});
