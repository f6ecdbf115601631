import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { guardModeFor, isPrivateAddress, urlProblem } from '../../src/delivery/url-guard.js';

const octet = fc.integer({ min: 0, max: 255 });

describe('webhook URL SSRF guard', () => {
  it('production refuses private, loopback, link-local and CGNAT IPv4 literals', () => {
    const privateIp = fc.oneof(
      fc.tuple(octet, octet, octet).map(([b, c, d]) => `10.${b}.${c}.${d}`),
      fc.tuple(octet, octet, octet).map(([b, c, d]) => `127.${b}.${c}.${d}`),
      fc.tuple(octet, octet).map(([c, d]) => `169.254.${c}.${d}`),
      fc.tuple(fc.integer({ min: 16, max: 31 }), octet, octet).map(([b, c, d]) => `172.${b}.${c}.${d}`),
      fc.tuple(octet, octet).map(([c, d]) => `192.168.${c}.${d}`),
      fc.tuple(fc.integer({ min: 64, max: 127 }), octet, octet).map(([b, c, d]) => `100.${b}.${c}.${d}`),
    );
    fc.assert(fc.property(privateIp, (ip) => {
      expect(isPrivateAddress(ip)).toBe(true);
      expect(urlProblem(`https://${ip}/hook`, 'strict')).not.toBeNull();
    }));
  });

  it('production refuses IPv6 loopback, link-local, unique-local and IPv4-mapped private addresses', () => {
    for (const host of ['[::1]', '[fe80::1]', '[fd12:3456::1]', '[::ffff:10.0.0.1]', '[::ffff:127.0.0.1]']) expect(urlProblem(`https://${host}/h`, 'strict'), host).not.toBeNull();
  });

  it('production accepts https to public hosts and addresses', () => {
    fc.assert(fc.property(fc.constantFrom('hooks.example.se', 'api.merchant.com', '8.8.8.8', '[2606:4700::1111]'), fc.webPath(), (host, p) => {
      expect(urlProblem(`https://${host}${p}`, 'strict')).toBeNull();
    }));
  });

  it('refuses http outside loopback-in-dev, other schemes, credentials and bare names', () => {
    expect(urlProblem('http://hooks.example.se/x', 'strict')).toMatch(/https/);
    expect(urlProblem('http://hooks.example.se/x', 'dev')).toMatch(/https/);
    expect(urlProblem('http://127.0.0.1:9999/x', 'strict')).toMatch(/https/);
    expect(urlProblem('ftp://example.se/x', 'dev')).toMatch(/https/);
    expect(urlProblem('https://user:pw@example.se/x', 'strict')).toMatch(/credentials/);
    expect(urlProblem('https://localhost/x', 'strict')).toMatch(/private/);
    expect(urlProblem('https://intranet/x', 'strict')).toMatch(/qualified/);
    expect(urlProblem('not a url', 'dev')).toMatch(/valid/);
  });

  it('development and test allow http to loopback only', () => {
    for (const u of ['http://127.0.0.1:4000/h', 'http://localhost:4000/h', 'http://[::1]:4000/h']) expect(urlProblem(u, 'dev'), u).toBeNull();
    expect(urlProblem('http://10.0.0.5/h', 'dev')).not.toBeNull();
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string(), fc.constantFrom<'strict' | 'dev'>('strict', 'dev'), (s, mode) => {
      const r = urlProblem(s, mode);
      expect(r === null || typeof r === 'string').toBe(true);
    }));
  });
});

describe('loopback in production', () => {
  it('is refused by default and allowed only when OUTBOUND_WEBHOOK_ALLOW_LOOPBACK is set', () => {
    expect(guardModeFor('production')).toBe('strict');
    expect(urlProblem('http://127.0.0.1:9000/hook', guardModeFor('production'))).not.toBeNull();
    expect(guardModeFor('production', true)).toBe('dev');
    expect(urlProblem('http://127.0.0.1:9000/hook', guardModeFor('production', true))).toBeNull();
    // Other private networks stay refused even then.
    expect(urlProblem('http://10.0.0.5/hook', guardModeFor('production', true))).not.toBeNull();
  });
});
