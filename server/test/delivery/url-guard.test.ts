import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deliveryPolicy, guardedLookup, isLoopbackHost, isPrivateAddress, loopbackEnabled, registrationPolicy, STRICT, urlProblem, type DestinationPolicy, type Resolver } from '../../src/delivery/url-guard.js';

const octet = fc.integer({ min: 0, max: 255 });
const LOOPBACK: DestinationPolicy = { loopback: true };
const BOTH = [STRICT, LOOPBACK];

/** Every non-public destination the attack review tried, in the spellings that got through before. */
const ALWAYS_REFUSED = [
  'https://10.0.0.1/hook',
  'http://10.0.0.1/hook',
  'https://169.254.169.254/latest/meta-data/',
  'http://169.254.169.254/latest/meta-data/',
  'https://192.168.1.20/hook',
  'https://100.64.0.1/hook', // CGNAT
  'https://[::127.0.0.1]/hook', // IPv4-compatible IPv6
  'https://[::ffff:127.0.0.1]/hook', // IPv4-mapped
  'https://[::ffff:0:7f00:1]/hook', // IPv4-translated
  'https://[::ffff:a00:1]/hook',
  'https://[64:ff9b::a00:1]/hook', // NAT64
  'https://[64:ff9b:1::a00:1]/hook', // local-use NAT64
  'https://[2002:a00:1::1]/hook', // 6to4
  'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook', // Teredo
  'https://[fec0::1]/hook', // site-local
  'https://[fd12:3456::1]/hook',
  'https://[fe80::1]/hook',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://router.local/hook',
  'https://nas.home.arpa/hook',
  'https://0.0.0.0/hook',
  'https://intranet/hook',
];

/** A resolver that answers from a table and never touches the network. */
function stubResolver(table: Record<string, string[]>): Resolver {
  return (hostname, _options, callback) => {
    const addresses = table[hostname];
    if (!addresses) return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
}

function lookupWith(policy: DestinationPolicy, resolver: Resolver, host: string): Promise<{ err: NodeJS.ErrnoException | null; addresses: LookupAddress[] }> {
  return new Promise((resolve) => guardedLookup(policy, resolver)(host, { all: true }, (err, addresses) => resolve({ err, addresses: addresses as LookupAddress[] })));
}

describe('webhook URL SSRF guard: one rule set in every mode', () => {
  it('refuses private, loopback, link-local and CGNAT IPv4 literals under both policies (except loopback where allowed)', () => {
    const privateIp = fc.oneof(
      fc.tuple(octet, octet, octet).map(([b, c, d]) => `10.${b}.${c}.${d}`),
      fc.tuple(octet, octet).map(([c, d]) => `169.254.${c}.${d}`),
      fc.tuple(fc.integer({ min: 16, max: 31 }), octet, octet).map(([b, c, d]) => `172.${b}.${c}.${d}`),
      fc.tuple(octet, octet).map(([c, d]) => `192.168.${c}.${d}`),
      fc.tuple(fc.integer({ min: 64, max: 127 }), octet, octet).map(([b, c, d]) => `100.${b}.${c}.${d}`),
    );
    fc.assert(
      fc.property(privateIp, fc.constantFrom('http', 'https'), (ip, scheme) => {
        expect(isPrivateAddress(ip)).toBe(true);
        for (const policy of BOTH) expect(urlProblem(`${scheme}://${ip}/hook`, policy)).not.toBeNull();
      }),
    );
  });

  it.each(ALWAYS_REFUSED)('refuses %s even where loopback is allowed', (url) => {
    for (const policy of BOTH) expect(urlProblem(url, policy), JSON.stringify(policy)).not.toBeNull();
  });

  it('allows http and https to loopback only under the loopback policy, and never the embedded spellings of 127.0.0.1', () => {
    for (const u of ['http://127.0.0.1:4000/h', 'https://127.0.0.1/h', 'http://127.8.9.10/h', 'http://localhost:4000/h', 'http://[::1]:4000/h', 'http://[0:0:0:0:0:0:0:1]/h']) {
      expect(urlProblem(u, LOOPBACK), u).toBeNull();
      expect(urlProblem(u, STRICT), u).toMatch(/loopback/);
    }
    for (const host of ['[::127.0.0.1]', '[::ffff:127.0.0.1]', '[::ffff:0:7f00:1]', '[::7f00:1]']) expect(isLoopbackHost(new URL(`http://${host}/`).hostname), host).toBe(false);
  });

  it('accepts https to public hosts and addresses, refuses http there', () => {
    fc.assert(
      fc.property(fc.constantFrom('hooks.example.se', 'api.merchant.com', '8.8.8.8', '[2606:4700::1111]'), fc.webPath(), (host, p) => {
        for (const policy of BOTH) {
          expect(urlProblem(`https://${host}${p}`, policy)).toBeNull();
          expect(urlProblem(`http://${host}${p}`, policy)).toMatch(/https/);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('refuses other schemes, credentials, fragments and junk', () => {
    expect(urlProblem('ftp://example.se/x', LOOPBACK)).toMatch(/https/);
    expect(urlProblem('file:///etc/passwd', LOOPBACK)).toMatch(/https/);
    expect(urlProblem('https://user:pw@example.se/x', STRICT)).toMatch(/credentials/);
    expect(urlProblem('https://example.se/x#y', STRICT)).toMatch(/fragment/);
    expect(urlProblem('not a url', LOOPBACK)).toMatch(/valid/);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl()), fc.constantFrom(...BOTH), (s, policy) => {
        const r = urlProblem(s, policy);
        expect(r === null || typeof r === 'string').toBe(true);
      }),
    );
  });
});

describe('who may use loopback', () => {
  it('at registration: anyone in development/test; in production only an operator, only with OUTBOUND_WEBHOOK_ALLOW_LOOPBACK', () => {
    expect(registrationPolicy('development', false, false)).toEqual(LOOPBACK);
    expect(registrationPolicy('test', false, false)).toEqual(LOOPBACK);
    expect(registrationPolicy('production', false, true)).toEqual(STRICT);
    expect(registrationPolicy('production', true, false)).toEqual(STRICT);
    expect(registrationPolicy('production', true, true)).toEqual(LOOPBACK);
  });

  it('at delivery: only for a URL that names loopback itself, so a public name resolving to 127.0.0.1 stays refused', () => {
    expect(loopbackEnabled('production', false)).toBe(false);
    expect(loopbackEnabled('production', true)).toBe(true);
    expect(deliveryPolicy(true, 'http://127.0.0.1:9000/h')).toEqual(LOOPBACK);
    expect(deliveryPolicy(true, 'https://hooks.example.se/h')).toEqual(STRICT);
    expect(deliveryPolicy(false, 'http://127.0.0.1:9000/h')).toEqual(STRICT);
  });
});

describe('connect time: resolved addresses (stub resolver, no connection is opened)', () => {
  const resolver = stubResolver({
    'rebind.example.se': ['169.254.169.254'],
    'mixed.example.se': ['10.0.0.7', '93.184.216.34'],
    'nat64.example.se': ['64:ff9b::a00:1'],
    'mapped.example.se': ['::ffff:7f00:1'],
    'loop.example.se': ['127.0.0.1'],
    localhost: ['127.0.0.1', '::1'],
  });

  it('refuses a host name that resolves only to private addresses, with EDESTINATION', async () => {
    for (const host of ['rebind.example.se', 'nat64.example.se', 'mapped.example.se', 'loop.example.se']) {
      const { err } = await lookupWith(STRICT, resolver, host);
      expect(err?.code, host).toBe('EDESTINATION');
    }
  });

  it('drops the private addresses of a mixed answer and keeps the public one', async () => {
    const { err, addresses } = await lookupWith(STRICT, resolver, 'mixed.example.se');
    expect(err).toBeNull();
    expect(addresses.map((a) => a.address)).toEqual(['93.184.216.34']);
  });

  it('under the loopback policy lets loopback through, and nothing else private', async () => {
    expect((await lookupWith(LOOPBACK, resolver, 'localhost')).addresses.map((a) => a.address)).toEqual(['127.0.0.1', '::1']);
    for (const host of ['rebind.example.se', 'nat64.example.se', 'mapped.example.se']) expect((await lookupWith(LOOPBACK, resolver, host)).err?.code, host).toBe('EDESTINATION');
  });
});
