import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, helmetHeaders } from '../../src/http/security-headers.js';

describe('security headers computed once from helmet', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const middleware = helmet(HELMET_OPTIONS);
    server = createServer((req, res) => middleware(req, res, () => res.end('ok')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('equals what helmet itself sets on a real response', async () => {
    const res = await fetch(url);
    const fromHelmet: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)) fromHelmet[name] = value;
    });
    expect(helmetHeaders()).toEqual(fromHelmet);
  });

  it('carries the strict CSP and the usual hardening headers', () => {
    const h = helmetHeaders();
    expect(h['content-security-policy']).toContain("script-src 'self'");
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy']).not.toContain('unsafe-inline');
    expect(h['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toBe('SAMEORIGIN');
  });
});
