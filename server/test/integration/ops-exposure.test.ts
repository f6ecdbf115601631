import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { freePort } from '../helpers/process-server.js';
import { browser, businessUser } from '../helpers/accounts.js';
import { newBusiness } from '../helpers/admin-helpers.js';
import { captureMail } from '../helpers/accounts.js';
import { locationQr, squareSetup, startSession } from '../helpers/customer.js';

/**
 * Attack tests for issue 14 items 5 and 10. The integrity probe was public and ran PRAGMA integrity_check on the
 * event loop (2 s on 150 MB, every request waiting); /metrics was public and named every business with its
 * volumes. Both are operator-only now, the check runs on a worker thread at most once per 10 minutes, and
 * per-business series exist only with METRICS_BUSINESS_LABELS.
 */
const METRICS_TOKEN = 'metrics-scrape-token-0123456789abcdef';

describe('integrity probe', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
    captureMail(p);
  });
  afterAll(async () => p?.stop());

  it('is not served publicly: the old path is gone and the new one needs an operator', async () => {
    expect((await p.api('GET', '/api/health/integrity')).status).toBe(404);
    const anonymous = await p.api('GET', '/admin/health/integrity');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
    const biz = await newBusiness(p);
    const owner = await businessUser(p, biz.id, `owner-${Date.now()}@example.se`);
    expect((await owner.call('GET', '/admin/health/integrity')).status).toBe(403);
    expect((await browser(p).call('GET', '/admin/health/integrity')).status).toBe(401);
  });

  it('keeps its result: repeated calls do not run the check again until ?fresh=true', async () => {
    const first = await p.admin('GET', '/admin/health/integrity?fresh=true');
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ ok: true, dialect: backend, cached: false });
    const again = await Promise.all(Array.from({ length: 20 }, () => p.admin('GET', '/admin/health/integrity')));
    for (const r of again) expect(r.body).toMatchObject({ ok: true, cached: true, checkedAt: first.body.checkedAt });
    const fresh = await p.admin('GET', '/admin/health/integrity?fresh=true');
    expect(fresh.body.cached).toBe(false);
    expect(Date.parse(fresh.body.checkedAt)).toBeGreaterThanOrEqual(Date.parse(first.body.checkedAt));
    expect((await p.admin('GET', '/admin/health/integrity?fresh=maybe')).status).toBe(400);
  });
});

describe('/metrics on the main port', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ METRICS_TOKEN });
    const c = await squareSetup(p);
    await startSession(p, { qrToken: (await locationQr(p, c)).qrToken }); // a feedback_sessions_total sample
  });
  afterAll(async () => p?.stop());

  it('refuses anonymous and wrong-token scrapes with 401 and a Bearer challenge', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token-0123456789abcdefgh' }, { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` }]) {
      const res = await p.api('GET', '/metrics', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body.error.code).toBe('unauthorized');
      expect(res.text).not.toContain('process_cpu');
    }
  });

  it('serves METRICS_TOKEN and the admin token, without business ids by default', async () => {
    for (const token of [METRICS_TOKEN, 'test-admin-token-0123456789abcdef']) {
      const res = await p.api('GET', '/metrics', undefined, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/^feedback_sessions_total\{status="created",quality_tier="none"\} [1-9]/m);
      expect(res.text).not.toMatch(/business_id=|endpoint_id=/);
    }
  });
});

describe('per-business labels, opted in', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ METRICS_BUSINESS_LABELS: 'true' });
  });
  afterAll(async () => p?.stop());

  it('adds feedback_sessions_by_business_total with the business id', async () => {
    const c = await squareSetup(p);
    await startSession(p, { qrToken: (await locationQr(p, c)).qrToken });
    const text = (await p.admin('GET', '/metrics')).text;
    expect(text).toContain(`feedback_sessions_by_business_total{business_id="${c.businessId}",status="created",quality_tier="none"} 1`);
    expect(text).toContain('# TYPE webhook_endpoint_circuit_state gauge');
  });
});

describe('METRICS_PORT: its own listener, and none on the main port', () => {
  let p: TestPlatform;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    p = await startTestPlatform({ METRICS_PORT: String(port) });
  });
  afterAll(async () => p?.stop());

  it('serves /metrics on 127.0.0.1:METRICS_PORT without a token and nothing else there', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE http_request_duration_seconds histogram');
    const other = await fetch(`http://127.0.0.1:${port}/admin/businesses`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
  });

  it('is not on the main port, even with the admin token', async () => {
    expect((await p.admin('GET', '/metrics')).status).toBe(404);
  });
});
