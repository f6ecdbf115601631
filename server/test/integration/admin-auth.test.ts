import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, TEST_ADMIN_TOKEN, type TestPlatform } from '../helpers/platform.js';
import { setupConnection } from '../helpers/fixtures.js';
import { businessBody, countRows, expectError, newBusiness, orgNumber } from '../helpers/admin-helpers.js';

const BAD_AUTH: Array<[string, Record<string, string>]> = [
  ['no header', {}],
  ['empty header', { authorization: '' }],
  ['wrong token', { authorization: 'Bearer not-the-admin-token' }],
  ['token with a suffix', { authorization: `Bearer ${TEST_ADMIN_TOKEN}x` }],
  ['token prefix', { authorization: `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}` }],
  ['token in upper case', { authorization: `Bearer ${TEST_ADMIN_TOKEN.toUpperCase()}` }],
  ['token without scheme', { authorization: TEST_ADMIN_TOKEN }],
  ['Basic scheme', { authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64')}` }],
  ['Token scheme', { authorization: `Token ${TEST_ADMIN_TOKEN}` }],
  ['scheme only', { authorization: 'Bearer' }],
  ['scheme and blank', { authorization: 'Bearer    ' }],
  ['two tokens', { authorization: `Bearer ${TEST_ADMIN_TOKEN} ${TEST_ADMIN_TOKEN}` }],
  ['scheme glued to token', { authorization: `Bearer${TEST_ADMIN_TOKEN}` }],
  ['token in another header', { 'x-admin-token': TEST_ADMIN_TOKEN }],
];

describe.skipIf(backendUnavailable)('admin API authentication', () => {
  let p: TestPlatform;
  let routes: Array<[string, string, unknown?]>;

  beforeAll(async () => {
    p = await startTestPlatform();
    const b = await newBusiness(p);
    const c = await setupConnection(p, 'square', b.id);
    const biz = `/admin/businesses/${b.id}`;
    const loc = `${biz}/locations/${c.locationId}`;
    const conn = `${biz}/pos-connections/${c.connectionId}`;
    routes = [
      ['POST', '/admin/businesses', businessBody()],
      ['GET', '/admin/businesses'],
      ['GET', biz],
      ['PATCH', biz, { name: 'Renamed' }],
      ['POST', `${biz}/disable`],
      ['POST', `${biz}/enable`],
      ['POST', `${biz}/locations`, { name: 'X', address: 'Y' }],
      ['GET', `${biz}/locations`],
      ['GET', loc],
      ['PATCH', loc, { name: 'Renamed' }],
      ['POST', `${loc}/rotate-qr`],
      ['GET', `${loc}/qr.png`],
      ['GET', `${loc}/qr.svg`],
      ['POST', `${biz}/pos-connections`, { provider: 'square', locationId: c.locationId, externalMerchantId: 'M1', externalLocationId: 'L1', signingKey: 'attacker-key-123' }],
      ['GET', `${biz}/pos-connections`],
      ['GET', conn],
      ['PATCH', conn, { signingKey: 'attacker-key-123' }],
      ['GET', `${conn}/dead-letters`],
      ['GET', `${biz}/transactions`],
      // Auth runs before validation and lookup: a bad id must not reveal anything either.
      ['GET', '/admin/businesses/not-a-uuid'],
      ['GET', `/admin/businesses/${crypto.randomUUID()}`],
      ['POST', '/admin/businesses', 'not json at all'],
    ];
  });
  afterAll(async () => p?.stop());

  it('the correct token is accepted on every route (control for the 401 cases)', async () => {
    for (const [method, path, body] of routes.slice(0, 19)) {
      const res = await p.admin(method, path, body);
      expect([200, 201], `${method} ${path}: ${res.text}`).toContain(res.status);
    }
    // Lower-case scheme is allowed (RFC 7235 schemes are case-insensitive).
    const lower = await p.api('GET', '/admin/businesses', undefined, { authorization: `bearer ${TEST_ADMIN_TOKEN}` });
    expect(lower.status).toBe(200);
  });

  it.each(BAD_AUTH)('%s → 401 unauthorized on every admin route', async (_label, headers) => {
    for (const [method, path, body] of routes) {
      const res = await p.api(method, path, body, headers);
      expectError(res, 401, 'unauthorized');
      expect(res.body.error.details, `${method} ${path}`).toBeNull();
      expect(res.text).not.toContain(TEST_ADMIN_TOKEN);
    }
  });

  it('rejected mutations change nothing and write no audit rows', async () => {
    const before = await Promise.all((['businesses', 'locations', 'pos_connections', 'audit_log'] as const).map((t) => countRows(p, t)));
    const org = orgNumber();
    const created = await p.api('POST', '/admin/businesses', businessBody({ orgNumber: org }), { authorization: 'Bearer nope' });
    expectError(created, 401, 'unauthorized');
    for (const [method, path, body] of routes.filter(([m]) => m !== 'GET')) {
      expect((await p.api(method, path, body, { authorization: 'Bearer nope' })).status).toBe(401);
    }
    const after = await Promise.all((['businesses', 'locations', 'pos_connections', 'audit_log'] as const).map((t) => countRows(p, t)));
    expect(after).toEqual(before);
    const list = await p.admin('GET', `/admin/businesses?search=${org}`);
    expect(list.body.items).toEqual([]);
    const bizPath = routes[2]![1];
    const beforeName = (await p.admin('GET', bizPath)).body.name;
    expect((await p.api('PATCH', bizPath, { name: 'Hijacked' }, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await p.admin('GET', bizPath)).body.name).toBe(beforeName);
  });

  it('an unknown path under /admin is a 404 route_not_found with the envelope, not a 500', async () => {
    expectError(await p.admin('GET', '/admin/nothing-here'), 404, 'route_not_found');
  });
});
