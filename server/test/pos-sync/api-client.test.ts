import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeProviderApi, emptyData, type FakePosData } from '../helpers/fake-pos/fake-provider-api.js';
import { squareApiPayment } from '../helpers/fake-pos/api-items.js';
import { PosApiError } from '../../src/pos-sync/errors.js';
import { clientFor } from './helpers.js';

/** The API client over real HTTP against fake provider endpoints with injected faults. */
describe('POS API client', () => {
  let data: FakePosData;
  let primary: FakeProviderApi;
  let secondary: FakeProviderApi;
  let c: ReturnType<typeof clientFor>;

  beforeEach(async () => {
    data = emptyData();
    data.validTokens.add('tok');
    data.square.payments.push(squareApiPayment({ amount: 100, locationId: 'L1' }));
    primary = await new FakeProviderApi(data).start();
    secondary = await new FakeProviderApi(data).start();
    c = clientFor({ square: [primary.url, secondary.url] });
  });
  afterEach(async () => {
    await c.close();
    await primary.stop();
    await secondary.stop();
  });

  const list = () => c.client.request({ provider: 'square', operation: 'payments.list', path: '/v2/payments?limit=10', headers: { authorization: 'Bearer tok' } });

  it('honours 429 Retry-After before retrying', async () => {
    primary.inject({ kind: 'status', status: 429, retryAfter: '1' });
    const res = await list();
    expect(res.status).toBe(200);
    const [first, second] = primary.apiRequests('/v2/payments');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    expect(c.sets.square.active.name).toBe('primary'); // a 429 is not an endpoint failure
  });

  it('retries 500s, connection resets, timeouts and completes slow bodies', async () => {
    primary.inject({ kind: 'status', status: 500 });
    expect((await list()).status).toBe(200);
    primary.inject({ kind: 'reset' });
    expect((await list()).status).toBe(200);
    primary.inject({ kind: 'timeout' });
    expect((await list()).status).toBe(200);
    primary.inject({ kind: 'slow_body', delayMs: 100 });
    const slow = await list();
    expect(JSON.parse(slow.body).payments).toHaveLength(1);
    expect(primary.apiRequests('/v2/payments')).toHaveLength(7); // each fault once, then the retry
  });

  it('gives up after the configured attempts with the last error', async () => {
    primary.inject({ kind: 'status', status: 503 }, 1);
    primary.inject({ kind: 'status', status: 429, retryAfter: '0' }, 10);
    const err = await list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PosApiError);
    expect((err as PosApiError).status).toBe(429);
    expect(primary.apiRequests()).toHaveLength(4);
  });

  it('does not retry a 401 or other 4xx', async () => {
    const err = await c.client.request({ provider: 'square', operation: 'payments.list', path: '/v2/payments', headers: { authorization: 'Bearer expired' } }).catch((e: unknown) => e);
    expect((err as PosApiError).kind).toBe('unauthorized');
    expect(primary.apiRequests()).toHaveLength(1);
  });

  it('opens the breaker after consecutive failures and fails over to the secondary', async () => {
    primary.down = { kind: 'status', status: 500 };
    const res = await list();
    expect(res.status).toBe(200);
    expect(c.sets.square.active.name).toBe('secondary');
    expect(c.switches).toEqual([expect.objectContaining({ provider: 'square', from: 'primary', to: 'secondary', kind: 'automatic', reason: 'breaker_open' })]);
    expect(primary.apiRequests()).toHaveLength(2); // POS_BREAKER_FAILURES=2 in these tests
    expect(secondary.apiRequests()).toHaveLength(1);
    const metrics = await c.metrics.registry.getSingleMetricAsString('pos_api_requests_total');
    expect(metrics).toContain('endpoint="primary",status="500"');
    expect(metrics).toContain('endpoint="secondary",status="200"');
  });
});
