import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { auditFor, businessBody, countRows, expectError, ISO_UTC, newPendingBusiness, orgNumber, UUID, withWrongCheckDigit } from '../helpers/admin-helpers.js';

const TYPES = [
  ['grocery', 'Livsmedelsbutik'],
  ['cafe', 'Kafé'],
  ['restaurant', 'Restaurang'],
  ['retail', 'Detaljhandel'],
] as const;

// 556016-0680 is a real, valid aktiebolag number; every entry below is a malformed variant of it.
const BAD_ORG_NUMBERS: Array<[string, string]> = [
  ['wrong check digit', '556016-0681'],
  ['wrong check digit, no dash', '5560160689'],
  ['9 digits', '556016-068'],
  ['9 digits, no dash', '556016068'],
  ['11 digits', '556016-06801'],
  ['11 digits, no dash', '55601606801'],
  ['letters', '556O16-0680'],
  ['all letters', 'abcdef-ghij'],
  ['12-digit form with century', '16556016-0680'],
  ['12-digit form, no dash', '165560160680'],
  ['plus separator', '556016+0680'],
  ['space instead of dash', '556016 0680'],
  ['space inside', '556 016-0680'],
  ['dash in the wrong place', '55601-60680'],
  ['two dashes', '556016--0680'],
  ['en dash', '556016\u20130680'],
  ['full-width digits', '\uff15\uff15\uff16\uff10\uff11\uff16-\uff10\uff16\uff18\uff10'],
  ['empty', ''],
  ['blank', '   '],
  ['only a dash', '-'],
  ['far too long', '556016-0680'.repeat(5)],
];

// Business CRUD only (no customers): businesses stay pending, so the audit trails below hold just CRUD actions.
describe.skipIf(backendUnavailable)('admin businesses', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  it('creates a business: 201 with the full DTO, normalised fields and an audit row', async () => {
    const res = await p.admin('POST', '/admin/businesses', { name: '  Kafé Söder  ', orgNumber: '5560160680', businessType: 'cafe', email: 'Owner@Example.SE' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Kafé Söder',
      orgNumber: '556016-0680',
      orgType: 'Aktiebolag',
      businessType: 'cafe',
      businessTypeLabel: 'Kafé',
      email: 'owner@example.se',
      status: 'active',
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    const got = await p.admin('GET', `/admin/businesses/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    const row = await p.ctx.db.kysely.selectFrom('businesses').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.org_number).toBe('556016-0680');
    const audit = await auditFor(p, res.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'admin-token', action: 'business.create', target_type: 'business', ip: '127.0.0.1' });
    expect(JSON.parse(audit[0]!.details!)).toEqual({ name: 'Kafé Söder', orgNumber: '556016-0680' });
  });

  it.each(TYPES)('businessType %s carries the Swedish label %s', async (type, label) => {
    const res = await p.admin('POST', '/admin/businesses', businessBody({ businessType: type }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.businessType).toBe(type);
    expect(res.body.businessTypeLabel).toBe(label);
  });

  it.each(['bakery', 'Cafe', 'CAFE', '', 'kafé'])('rejects businessType %j with 400 validation_failed', async (type) => {
    expectError(await p.admin('POST', '/admin/businesses', businessBody({ businessType: type })), 400, 'validation_failed');
  });

  it('accepts the org number with or without the dash and stores it with the dash', async () => {
    const org = orgNumber();
    const res = await p.admin('POST', '/admin/businesses', businessBody({ orgNumber: org.replace('-', '') }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.orgNumber).toBe(org);
    const row = await p.ctx.db.kysely.selectFrom('businesses').select('org_number').where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.org_number).toBe(org);
  });

  it.each(BAD_ORG_NUMBERS)('org number: %s → 400 invalid_org_number, nothing stored', async (_label, value) => {
    const before = await countRows(p, 'businesses');
    const res = await p.admin('POST', '/admin/businesses', businessBody({ orgNumber: value }));
    expectError(res, 400, 'invalid_org_number');
    expect(await countRows(p, 'businesses')).toBe(before);
  });

  it('a generated number with a wrong check digit is rejected, the right one accepted', async () => {
    for (let i = 0; i < 10; i++) {
      const org = orgNumber();
      expectError(await p.admin('POST', '/admin/businesses', businessBody({ orgNumber: withWrongCheckDigit(org) })), 400, 'invalid_org_number');
      expect((await p.admin('POST', '/admin/businesses', businessBody({ orgNumber: org }))).status).toBe(201);
    }
  });

  it('a missing or non-string org number is a 400', async () => {
    const { orgNumber: _omit, ...rest } = businessBody();
    expectError(await p.admin('POST', '/admin/businesses', rest), 400, 'validation_failed');
    expectError(await p.admin('POST', '/admin/businesses', businessBody({ orgNumber: 5560160680 })), 400, 'validation_failed');
  });

  it('duplicate org number (with or without dash) → 409 org_number_taken; only one row exists', async () => {
    const org = orgNumber();
    const first = await newPendingBusiness(p, { orgNumber: org });
    for (const variant of [org, org.replace('-', ''), ` ${org} `]) {
      const res = await p.admin('POST', '/admin/businesses', businessBody({ orgNumber: variant, name: 'Another' }));
      expectError(res, 409, 'org_number_taken');
      expect(res.body.error.details).toEqual({ orgNumber: org });
    }
    const rows = await p.ctx.db.kysely.selectFrom('businesses').select('id').where('org_number', '=', org).execute();
    expect(rows.map((r) => r.id)).toEqual([first.id]);
  });

  it('concurrent creates with the same org number: exactly one 201, the rest 409', async () => {
    const org = orgNumber();
    const results = await Promise.all(Array.from({ length: 6 }, () => p.admin('POST', '/admin/businesses', businessBody({ orgNumber: org }))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expectError(r, 409, 'org_number_taken');
  });

  it('pages through the list with a cursor: newest first, no duplicates, no gaps', async () => {
    const tag = `Pag${Date.now().toString(36)}`;
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await newPendingBusiness(p, { name: `${tag} ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await p.admin('GET', `/admin/businesses?search=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((b: { id: string }) => b.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());

    // The whole table, unfiltered, pages the same way.
    const all: string[] = [];
    cursor = null;
    do {
      const res = await p.admin('GET', `/admin/businesses?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...res.body.items.map((b: { id: string }) => b.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(await countRows(p, 'businesses'));
    expect(all).toEqual([...all].sort().reverse());
  });

  it('list: exact-multiple page ends with nextCursor null; bad cursor and limits are 400', async () => {
    const tag = `Exact${Date.now().toString(36)}`;
    for (let i = 0; i < 2; i++) await newPendingBusiness(p, { name: `${tag} ${i}` });
    const res = await p.admin('GET', `/admin/businesses?search=${tag}&limit=2`);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.nextCursor).toBeNull();
    expectError(await p.admin('GET', '/admin/businesses?cursor=garbage!!'), 400, 'invalid_cursor');
    expectError(await p.admin('GET', `/admin/businesses?cursor=${Buffer.from('1 OR 1=1').toString('base64url')}`), 400, 'invalid_cursor');
    for (const limit of ['0', '-1', '201', '1000', 'abc', '1.5']) expectError(await p.admin('GET', `/admin/businesses?limit=${limit}`), 400, 'validation_failed');
    expectError(await p.admin('GET', '/admin/businesses?status=deleted'), 400, 'validation_failed');
  });

  it('list: status filter and search by name or org number', async () => {
    const tag = `Filt${Date.now().toString(36)}`;
    const a = await newPendingBusiness(p, { name: `${tag} Alfa` });
    const b = await newPendingBusiness(p, { name: `${tag} Beta` });
    const c = await newPendingBusiness(p, { name: `${tag} Gamma` });
    expect((await p.admin('POST', `/admin/businesses/${b.id}/disable`)).status).toBe(200);
    const ids = async (q: string) => ((await p.admin('GET', `/admin/businesses?${q}`)).body.items as { id: string }[]).map((x) => x.id);
    expect(await ids(`search=${tag}&status=disabled`)).toEqual([b.id]);
    expect(await ids(`search=${tag}&status=active`)).toEqual([c.id, a.id]);
    expect(await ids(`search=${tag}`)).toEqual([c.id, b.id, a.id]);
    expect(await ids(`search=${encodeURIComponent(`${tag} Gam`)}`)).toEqual([c.id]);
    expect(await ids(`search=${a.orgNumber}`)).toEqual([a.id]);
    expect(await ids(`search=${tag}Nope`)).toEqual([]);
    const disabled = (await p.admin('GET', '/admin/businesses?status=disabled&limit=200')).body.items as { status: string }[];
    expect(disabled.length).toBeGreaterThan(0);
    expect(disabled.every((x) => x.status === 'disabled')).toBe(true);
  });

  it('search is case-insensitive and treats % and _ literally on every backend', async () => {
    const tag = `Case${Date.now().toString(36)}`;
    const a = await newPendingBusiness(p, { name: `${tag} Hörnan` });
    const ids = async (s: string) => ((await p.admin('GET', `/admin/businesses?search=${encodeURIComponent(s)}`)).body.items as { id: string }[]).map((x) => x.id);
    expect(await ids(tag.toLowerCase())).toEqual([a.id]);
    expect(await ids(tag.toUpperCase())).toEqual([a.id]);
    expect(await ids(`${tag}%rnan`)).toEqual([]);
    expect(await ids(`${tag}_H`)).toEqual([]);
  });

  it('PATCH updates fields, re-labels, normalises a new org number and audits field names', async () => {
    const b = await newPendingBusiness(p);
    const org = orgNumber();
    const res = await p.admin('PATCH', `/admin/businesses/${b.id}`, { name: ' Nytt Namn ', businessType: 'grocery', email: 'NY@Example.se', orgNumber: org.replace('-', '') });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: b.id, name: 'Nytt Namn', businessType: 'grocery', businessTypeLabel: 'Livsmedelsbutik', email: 'ny@example.se', orgNumber: org, status: 'active' });
    expect((await p.admin('GET', `/admin/businesses/${b.id}`)).body).toEqual(res.body);
    const audit = await auditFor(p, b.id);
    expect(audit.map((r) => r.action)).toEqual(['business.create', 'business.update']);
    expect(audit[1]!.actor).toBe('admin-token');
    expect(JSON.parse(audit[1]!.details!).fields.sort()).toEqual(['businessType', 'email', 'name', 'orgNumber']);
  });

  it('PATCH rejects bad input without changing the row', async () => {
    const b = await newPendingBusiness(p);
    const other = await newPendingBusiness(p);
    const before = (await p.admin('GET', `/admin/businesses/${b.id}`)).body;
    expectError(await p.admin('PATCH', `/admin/businesses/${b.id}`, { orgNumber: other.orgNumber }), 409, 'org_number_taken');
    expectError(await p.admin('PATCH', `/admin/businesses/${b.id}`, { orgNumber: withWrongCheckDigit(b.orgNumber) }), 400, 'invalid_org_number');
    expectError(await p.admin('PATCH', `/admin/businesses/${b.id}`, { id: crypto.randomUUID() }), 400, 'validation_failed');
    expectError(await p.admin('PATCH', `/admin/businesses/${b.id}`, { name: '' }), 400, 'validation_failed');
    expectError(await p.admin('PATCH', `/admin/businesses/${b.id}`, { status: 'deleted' }), 400, 'validation_failed');
    expectError(await p.admin('PATCH', `/admin/businesses/${b.id}`, { email: 'not-an-email' }), 400, 'validation_failed');
    expect((await p.admin('GET', `/admin/businesses/${b.id}`)).body).toEqual(before);
    expect((await auditFor(p, b.id)).map((r) => r.action)).toEqual(['business.create']);
    // Setting its own org number again is not a conflict.
    expect((await p.admin('PATCH', `/admin/businesses/${b.id}`, { orgNumber: b.orgNumber.replace('-', '') })).status).toBe(200);
  });

  it('disable / enable flip the status and audit business.disable / business.enable', async () => {
    const b = await newPendingBusiness(p);
    const off = await p.admin('POST', `/admin/businesses/${b.id}/disable`);
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ id: b.id, status: 'disabled' });
    expect((await p.admin('GET', `/admin/businesses/${b.id}`)).body.status).toBe('disabled');
    const on = await p.admin('POST', `/admin/businesses/${b.id}/enable`);
    expect(on.body).toMatchObject({ id: b.id, status: 'active' });
    const viaPatch = await p.admin('PATCH', `/admin/businesses/${b.id}`, { status: 'disabled' });
    expect(viaPatch.body.status).toBe('disabled');
    const audit = await auditFor(p, b.id);
    expect(audit.map((r) => [r.action, r.actor])).toEqual([
      ['business.create', 'admin-token'],
      ['business.disable', 'admin-token'],
      ['business.enable', 'admin-token'],
      ['business.disable', 'admin-token'],
    ]);
  });

  it('unknown business id → 404 not_found; non-uuid id → 400 validation_failed', async () => {
    const unknown = crypto.randomUUID();
    const calls: Array<[string, string, unknown?]> = [
      ['GET', ''],
      ['PATCH', '', { name: 'X' }],
      ['POST', '/disable'],
      ['POST', '/enable'],
      ['GET', '/locations'],
      ['POST', '/locations', { name: 'X', address: 'Y' }],
      ['GET', '/pos-connections'],
      ['GET', '/transactions'],
    ];
    const auditBefore = await countRows(p, 'audit_log');
    for (const [method, suffix, body] of calls) {
      const res = await p.admin(method, `/admin/businesses/${unknown}${suffix}`, body);
      expectError(res, 404, 'not_found');
      expect(res.body.error.message).toBe('Business not found.');
      for (const bad of ['not-a-uuid', '123', `${unknown}x`, "1' OR '1'='1"]) {
        expectError(await p.admin(method, `/admin/businesses/${encodeURIComponent(bad)}${suffix}`, body), 400, 'validation_failed');
      }
    }
    expect(await countRows(p, 'audit_log')).toBe(auditBefore);
  });

  it('rejects bodies that are not JSON objects and missing/extra fields', async () => {
    expectError(await p.api('POST', '/admin/businesses', '{"name":', { authorization: `Bearer ${'test-admin-token-0123456789abcdef'}` }), 400, 'invalid_json');
    expectError(await p.admin('POST', '/admin/businesses', []), 400, 'validation_failed');
    expectError(await p.admin('POST', '/admin/businesses', businessBody({ email: 'nope' })), 400, 'validation_failed');
    expectError(await p.admin('POST', '/admin/businesses', businessBody({ name: '   ' })), 400, 'validation_failed');
    expectError(await p.admin('POST', '/admin/businesses', businessBody({ name: 'x'.repeat(201) })), 400, 'validation_failed');
  });
});
