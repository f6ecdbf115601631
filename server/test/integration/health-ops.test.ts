import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

describe.skipIf(backendUnavailable)('health, readiness, metrics and docs', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  it('GET /health has the seed shape with live database and memory checks', async () => {
    const res = await p.api('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, environment: 'test', services: { database: { ok: true, dialect: backend }, memory: { ok: true } } });
    expect(typeof res.body.version).toBe('string');
    expect(res.body.uptime).toBeGreaterThan(0);
    expect(res.body.services.database.responseTime).toBeGreaterThanOrEqual(0);
    expect(new Date(res.body.timestamp).toISOString()).toBe(res.body.timestamp);
  });

  it('liveness, readiness and the /ready alias answer 200 once started', async () => {
    expect((await p.api('GET', '/api/health/live')).body).toEqual({ ok: true });
    const ready = await p.api('GET', '/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.database.ok).toBe(true);
    expect((await p.api('GET', '/ready')).status).toBe(200);
  });

  it('readiness is 503 while not ready (start-up unfinished or shutting down)', async () => {
    p.ctx.state.ready = false;
    try {
      const res = await p.api('GET', '/api/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('not_ready');
    } finally {
      p.ctx.state.ready = true;
    }
  });

  it('start-up phases are measured', async () => {
    const res = await p.api('GET', '/api/health/startup');
    expect(res.status).toBe(200);
    const names = res.body.phases.map((ph: { name: string }) => ph.name);
    expect(names).toEqual(['config', 'database_open', 'migrations', 'routes', 'listening']);
    expect(res.body.totalMs).toBeGreaterThan(0);
    expect(res.body.sla.targetMs).toBe(300);
  });

  it('integrity check passes on a fresh database (operator-only, at /admin/health/integrity)', async () => {
    const res = await p.admin('GET', '/admin/health/integrity');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, dialect: backend, details: [] });
  });

  it('exposes Prometheus metrics: HTTP histogram by route and status, queue depth, process metrics', async () => {
    await p.api('GET', '/api/health/live');
    await p.api('GET', '/nope');
    const res = await p.admin('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/health\/live",status_code="200"\} [1-9]/);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} [1-9]/);
    expect(res.text).toMatch(/job_queue_depth\{status="pending"\} \d+/);
    expect(res.text).toContain('process_resident_memory_bytes');
    expect(res.text).toContain('pos_webhook_events_total');
    // Every query is timed, not only the health probe's.
    expect(res.text).toMatch(new RegExp(`db_query_duration_seconds_count\\{dialect="${backend}"\\} ([1-9]\\d+)`));
    for (const name of ['feedback_sessions_total', 'feedback_quality_score', 'voice_processing_duration_seconds', 'reward_amount_sek', 'fraud_signals_total']) expect(res.text).toContain(`# TYPE ${name}`);
  });

  it('echoes a well-formed x-request-id and generates one otherwise', async () => {
    const given = await p.api('GET', '/api/health/live', undefined, { 'x-request-id': 'abc-123' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const bad = await p.api('GET', '/api/health/live', undefined, { 'x-request-id': 'has spaces\u00e9' });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('unknown routes and bad JSON get the error envelope, not HTML or a 500', async () => {
    const nf = await p.api('GET', '/does/not/exist');
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({ error: { code: 'route_not_found', message: 'No endpoint GET /does/not/exist.', details: null } });
    const badJson = await p.api('POST', '/admin/businesses', '{"name": ', { authorization: 'Bearer test-admin-token-0123456789abcdef', 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_json');
  });

  it('sets security headers (helmet, CSP without inline scripts)', async () => {
    const res = await p.api('GET', '/api/health/live');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the OpenAPI document and UI at /docs', async () => {
    const json = await p.api('GET', '/docs/json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    for (const path of ['/admin/businesses', '/admin/businesses/{businessId}/locations', '/admin/businesses/{businessId}/pos-connections', '/admin/businesses/{businessId}/transactions', '/webhooks/{provider}/{connectionId}', '/swedish-ops/business-context', '/swedish-ops/alert-severity', '/health', '/metrics']) {
      expect(Object.keys(json.body.paths)).toContain(path);
    }
    const ui = await p.api('GET', '/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('serves the web app at /', async () => {
    const res = await p.api('GET', '/');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/Kvittra/);
  });
});
