import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { ERRORS } from '../../src/core/errors.js';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { expectEnvelope, expectError } from '../helpers/admin-helpers.js';
import { MALFORMED_REQUESTS, OVERSIZED } from '../helpers/malformed-requests.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';

/** Catalogue bodies are short; 600 bytes leaves room for the longest message and small details. */
const MAX_ERROR_BODY = 600;

interface LogLine {
  reqId?: string;
  msg?: string;
  code?: string;
  cause?: string;
}

describe.skipIf(backendUnavailable)('requests rejected before routing answer in the catalogue', () => {
  let p: TestPlatform;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(JSON.parse(String(chunk)) as LogLine), done()) });
    // A short headers timeout, so "headers that never finish" is answered within the test.
    p = await startTestPlatform({ HTTP_HEADERS_TIMEOUT_MS: '1000' }, { logger: createLogger('info', sink) });
  });
  afterAll(async () => p?.stop());

  const rejectionLogged = (reqId: string) => lines.find((l) => l.reqId === reqId && l.msg === 'request rejected');

  async function expectStillServing() {
    const live = await p.api('GET', '/api/health/live');
    expect(live.status, live.text).toBe(200);
  }

  function expectCatalogueAnswer(res: RawResponse) {
    expectEnvelope(res);
    expect(res.headers.get('x-request-id') ?? '').toMatch(/^\S{1,128}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.byteLength(res.text), res.text).toBeLessThanOrEqual(MAX_ERROR_BODY);
  }

  it.each(MALFORMED_REQUESTS)('$name → $expect.status $expect.code', async (c) => {
    const res = await rawRequest(p.baseUrl, c.bytes, { halfClose: c.halfClose });
    expectError(res, c.expect.status, c.expect.code);
    expectCatalogueAnswer(res);
    expect(res.head.split('\r\n')[0]).toMatch(new RegExp(`^HTTP/1\\.1 ${c.expect.status} \\S`));

    // The log line under the same request id names what rejected it, so each case proves its cause.
    const logged = rejectionLogged(res.headers.get('x-request-id')!);
    expect(logged, `no log line for ${res.headers.get('x-request-id')}`).toBeDefined();
    expect(logged!.code).toBe(c.expect.code);
    expect(logged!.cause).toBe(c.cause);
    await expectStillServing();
  });

  it('answers from the raw socket with a complete HTTP/1.1 response and closes', async () => {
    const res = await rawRequest(p.baseUrl, 'FOO / HTTP/1.1\r\nHost: kvittra.test\r\n\r\n');
    expect(res.headers.get('connection')).toBe('close');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.text));
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Date.parse(res.headers.get('date') ?? '')).not.toBeNaN();
    // The same hardening headers as every routed response.
    const routed = await p.api('GET', '/api/health/live');
    expect(res.headers.get('content-security-policy')).toBe(routed.headers.get('content-security-policy'));
    expect(res.headers.get('strict-transport-security')).toBe(routed.headers.get('strict-transport-security'));
  });

  it('keeps a well-formed x-request-id the client sent when the request got that far', async () => {
    const res = await rawRequest(p.baseUrl, 'GET /admin/businesses/%E4 HTTP/1.1\r\nHost: kvittra.test\r\nX-Request-Id: trace-123.abc\r\n\r\n');
    expectError(res, 400, 'invalid_url');
    expect(res.headers.get('x-request-id')).toBe('trace-123.abc');
  });

  it('does not echo the input back: the old 414 body repeated the whole URL', async () => {
    const path = `/api/v1/feedback-sessions/${'b'.repeat(1000)}`;
    const res = await rawRequest(p.baseUrl, `GET ${path} HTTP/1.1\r\nHost: kvittra.test\r\n\r\n`);
    expectError(res, 414, 'uri_too_long');
    expect(res.text).not.toContain('bbbbbbbbbb');
    const notFound = await p.api('GET', `/no/such/${'c'.repeat(OVERSIZED / 4)}`);
    expectError(notFound, 404, 'route_not_found');
    expect(notFound.body.error.message.length).toBeLessThanOrEqual(200);
  });

  it('reports the header limit in details', async () => {
    const res = await rawRequest(p.baseUrl, `GET /${'a'.repeat(OVERSIZED)} HTTP/1.1\r\nHost: kvittra.test\r\n\r\n`);
    expectError(res, 431, 'headers_too_large');
    expect(res.body.error.details).toEqual({ maxBytes: 16 * 1024 });
  });

  it('random bytes as the request path: never a 5xx, never a body outside the catalogue', async () => {
    const hex = fc.integer({ min: 0, max: 255 }).map((n) => `%${n.toString(16).padStart(2, '0').toUpperCase()}`);
    const brokenPercent = fc.constantFrom('%', '%E', '%ZZ', '%%', '%C3', '%E4%B8', '%ED%A0%80', '%00', '%0D%0A', '%2F', '%2E%2E');
    const piece = fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => encodeURIComponent(s)) },
      { weight: 3, arbitrary: hex },
      { weight: 3, arbitrary: brokenPercent },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b).toString('latin1')) },
      { weight: 1, arbitrary: fc.constantFrom('/', '//', '/..', '?', '#', ';', '*') },
      { weight: 1, arbitrary: fc.integer({ min: 90, max: 18_000 }).map((n) => 'x'.repeat(n)) },
    );
    const prefix = fc.constantFrom('/', '/api/v1/feedback-sessions/', '/admin/businesses/', '/api/health/', '/f/', '/webhooks/square/', '/docs/');
    const path = fc.tuple(prefix, fc.array(piece, { maxLength: 6 })).map(([start, rest]) => start + rest.join(''));

    await fc.assert(
      fc.asyncProperty(path, async (target) => {
        const res = await rawRequest(p.baseUrl, Buffer.concat([Buffer.from('GET '), Buffer.from(target, 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: kvittra.test\r\n\r\n')]));
        const shown = JSON.stringify(target.slice(0, 120));
        expect(res.status, `${shown} → ${res.text.slice(0, 300)}`).toBeLessThan(500);
        expect(res.headers.get('x-request-id'), shown).toBeTruthy();
        if (res.status >= 400) {
          expectEnvelope(res);
          expect(Object.keys(ERRORS)).toContain(res.body.error.code);
          expect(Buffer.byteLength(res.text), `${shown} → ${res.text.slice(0, 300)}`).toBeLessThanOrEqual(MAX_ERROR_BODY);
        }
      }),
      { numRuns: 200 },
    );
    await expectStillServing();
    // 200 fresh connections: 8 s alone, 24 s beside the other suites on 2 cores; room above the 30 s default.
  }, 120_000);
});
