import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, TEST_PUBLIC_BASE_URL, type TestPlatform } from '../helpers/platform.js';
import { createLocation, setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { shopifyOrder, squarePayment, zettlePurchase, type SignedWebhook } from '../helpers/pos-payloads.js';
import { auditFor, countRows, expectError, ISO_UTC, newBusiness, UUID } from '../helpers/admin-helpers.js';

type Provider = 'square' | 'shopify' | 'zettle';
const SIGNED: Record<Provider, (c: ConnectionSetup) => SignedWebhook> = { square: (c) => squarePayment(c), shopify: (c) => shopifyOrder(c), zettle: (c) => zettlePurchase(c) };
const randomKey = () => `sk-${crypto.randomUUID()}-${Math.random().toString(36).slice(2)}`;

describe.skipIf(backendUnavailable)('admin POS connections', () => {
  let p: TestPlatform;
  let biz: string;
  let loc: string;
  const keysUsed: string[] = [];
  beforeAll(async () => {
    p = await startTestPlatform();
    biz = (await newBusiness(p)).id;
    loc = (await createLocation(p, biz)).id;
  });
  afterAll(async () => p?.stop());

  const post = (body: Record<string, unknown>, businessId = biz) => {
    if (typeof body.signingKey === 'string') keysUsed.push(body.signingKey);
    return p.admin('POST', `/admin/businesses/${businessId}/pos-connections`, body);
  };
  const send = (wh: SignedWebhook) => p.api('POST', wh.path, wh.body, wh.headers);
  const connect = async (provider: Provider, businessId = biz) => {
    const c = await setupConnection(p, provider, businessId);
    keysUsed.push(c.signingKey);
    return c;
  };

  it.each([
    ['square', 'SQMERCHANT1', 'SQLOC1', 'SQMERCHANT1', 'SQLOC1'],
    ['shopify', 'Kafe-Test.MyShopify.com', '655441491', 'kafe-test.myshopify.com', '655441491'],
    ['shopify', 'utan-plats.myshopify.com', undefined, 'utan-plats.myshopify.com', null],
    ['zettle', 'AB2CA7C4-9C6F-11E5-8994-FEFF819CDC9F', undefined, 'ab2ca7c4-9c6f-11e5-8994-feff819cdc9f', null],
  ] as const)('%s: 201 with webhookUrl, normalised ids, key never echoed and stored encrypted', async (provider, merchant, extLoc, wantMerchant, wantLoc) => {
    const signingKey = randomKey();
    const res = await post({ provider, locationId: loc, externalMerchantId: merchant, externalLocationId: extLoc, signingKey });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      businessId: biz,
      locationId: loc,
      provider,
      externalMerchantId: wantMerchant,
      externalLocationId: wantLoc,
      webhookUrl: `${TEST_PUBLIC_BASE_URL}/webhooks/${provider}/${res.body.id}`,
      status: 'active',
      lastEventAt: null,
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    const id = res.body.id as string;
    const texts = [
      res.text,
      (await p.admin('GET', `/admin/businesses/${biz}/pos-connections/${id}`)).text,
      (await p.admin('GET', `/admin/businesses/${biz}/pos-connections?limit=200`)).text,
      (await p.admin('PATCH', `/admin/businesses/${biz}/pos-connections/${id}`, {})).text,
    ];
    for (const t of texts) {
      expect(t).toContain(id);
      expect(t).not.toContain(signingKey);
      expect(t).not.toMatch(/signing/i);
    }
    const row = await p.ctx.db.kysely.selectFrom('pos_connections').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.signing_key_enc).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    for (const enc of ['utf8', 'base64', 'base64url', 'hex'] as const) expect(row.signing_key_enc).not.toContain(Buffer.from(signingKey).toString(enc));
    const audit = await auditFor(p, id);
    expect(audit.map((r) => [r.actor, r.action, r.target_type])).toEqual([
      ['admin-token', 'pos_connection.create', 'pos_connection'],
      ['admin-token', 'pos_connection.update', 'pos_connection'],
    ]);
    expect(JSON.parse(audit[0]!.details!)).toEqual({ businessId: biz, provider });
  });

  it('the same key for two connections gives two different ciphertexts', async () => {
    const signingKey = randomKey();
    const a = await post({ provider: 'square', locationId: loc, externalMerchantId: 'M-A', externalLocationId: 'L-A', signingKey });
    const b = await post({ provider: 'square', locationId: loc, externalMerchantId: 'M-B', externalLocationId: 'L-B', signingKey });
    const rows = await p.ctx.db.kysely.selectFrom('pos_connections').select('signing_key_enc').where('id', 'in', [a.body.id, b.body.id]).execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.signing_key_enc).not.toBe(rows[1]!.signing_key_enc);
  });

  it.each([
    ['square without externalLocationId', { provider: 'square', externalMerchantId: 'SQM', externalLocationId: undefined }, 'externalLocationId'],
    ['square with null externalLocationId', { provider: 'square', externalMerchantId: 'SQM', externalLocationId: null }, 'externalLocationId'],
    ['shopify with a plain domain', { provider: 'shopify', externalMerchantId: 'kafe.se' }, 'externalMerchantId'],
    ['shopify with a URL', { provider: 'shopify', externalMerchantId: 'https://kafe.myshopify.com' }, 'externalMerchantId'],
    ['shopify with a lookalike domain', { provider: 'shopify', externalMerchantId: 'kafe.myshopify.com.evil.se' }, 'externalMerchantId'],
    ['shopify with a bare shop name', { provider: 'shopify', externalMerchantId: 'kafe' }, 'externalMerchantId'],
    ['shopify with a non-numeric location', { provider: 'shopify', externalMerchantId: 'kafe.myshopify.com', externalLocationId: 'gid://shopify/Location/1' }, 'externalLocationId'],
    ['zettle with a non-uuid organization', { provider: 'zettle', externalMerchantId: 'org-123' }, 'externalMerchantId'],
    ['zettle with a location', { provider: 'zettle', externalMerchantId: crypto.randomUUID(), externalLocationId: 'L1' }, 'externalLocationId'],
  ])('provider rule: %s → 400 validation_failed, nothing stored', async (_label, fields, field) => {
    const before = await countRows(p, 'pos_connections');
    const res = await post({ locationId: loc, signingKey: randomKey(), ...fields });
    expectError(res, 400, 'validation_failed');
    expect(res.body.error.details).toEqual({ field });
    expect(await countRows(p, 'pos_connections')).toBe(before);
  });

  it('schema-level rejections: unknown provider, short key, missing fields, non-uuid location', async () => {
    const base = { provider: 'square', locationId: loc, externalMerchantId: 'M', externalLocationId: 'L', signingKey: randomKey() };
    for (const patch of [{ provider: 'stripe' }, { provider: 'Square' }, { signingKey: 'short7!' }, { signingKey: '' }, { externalMerchantId: '' }, { locationId: 'loc-1' }, { signingKey: 12345678 }]) {
      const res = await post({ ...base, ...patch });
      expectError(res, 400, 'validation_failed');
      if (typeof patch.signingKey === 'string' && patch.signingKey) expect(res.text).not.toContain(patch.signingKey);
    }
  });

  it('a location of another business (or an unknown one) → 404, nothing stored', async () => {
    const other = (await newBusiness(p)).id;
    const otherLoc = (await createLocation(p, other)).id;
    const before = await countRows(p, 'pos_connections');
    const body = { provider: 'square', externalMerchantId: 'M', externalLocationId: 'L', signingKey: randomKey() };
    const cross = await post({ ...body, locationId: otherLoc });
    expectError(cross, 404, 'not_found');
    expect(cross.body.error.message).toBe('Location not found.');
    expectError(await post({ ...body, locationId: crypto.randomUUID() }), 404, 'not_found');
    expectError(await post({ ...body, locationId: loc }, crypto.randomUUID()), 404, 'not_found');
    expect(await countRows(p, 'pos_connections')).toBe(before);
  });

  it.each(['square', 'shopify', 'zettle'] as const)('%s: rotating the signing key via PATCH — old key 401, new key 200', async (provider) => {
    const c = await connect(provider);
    expect((await send(SIGNED[provider](c))).status).toBe(200);
    const newKey = randomKey();
    const res = await p.admin('PATCH', `/admin/businesses/${biz}/pos-connections/${c.connectionId}`, { signingKey: newKey });
    keysUsed.push(newKey);
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toContain(newKey);
    expect(res.text).not.toContain(c.signingKey);
    expect(res.body).toMatchObject({ id: c.connectionId, status: 'active', webhookUrl: c.webhookUrl });
    const old = await send(SIGNED[provider](c));
    expectError(old, 401, 'invalid_signature');
    expect((await send(SIGNED[provider]({ ...c, signingKey: newKey }))).status).toBe(200);
    const row = await p.ctx.db.kysely.selectFrom('pos_connections').select('signing_key_enc').where('id', '=', c.connectionId).executeTakeFirstOrThrow();
    expect(row.signing_key_enc).not.toContain(newKey);
    const audit = await auditFor(p, c.connectionId);
    expect(audit.map((r) => r.action)).toEqual(['pos_connection.create', 'pos_connection.update']);
    expect(JSON.parse(audit[1]!.details!)).toEqual({ fields: ['signingKey'] });
  });

  it('disable → webhooks get 410 connection_disabled; enable → accepted again', async () => {
    const c = await connect('square');
    const path = `/admin/businesses/${biz}/pos-connections/${c.connectionId}`;
    const off = await p.admin('PATCH', path, { status: 'disabled' });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('disabled');
    expect((await p.admin('GET', path)).body.status).toBe('disabled');
    expectError(await send(squarePayment(c)), 410, 'connection_disabled');
    expect((await p.admin('PATCH', path, { status: 'active' })).body.status).toBe('active');
    expect((await send(squarePayment(c))).status).toBe(200);
    expect((await auditFor(p, c.connectionId)).map((r) => [r.actor, r.action])).toEqual([
      ['admin-token', 'pos_connection.create'],
      ['admin-token', 'pos_connection.update'],
      ['admin-token', 'pos_connection.update'],
    ]);
  });

  it('PATCH enforces the provider rules and rejects unknown fields without changing the row', async () => {
    const sq = await connect('square');
    const ze = await connect('zettle');
    const sqPath = `/admin/businesses/${biz}/pos-connections/${sq.connectionId}`;
    const zePath = `/admin/businesses/${biz}/pos-connections/${ze.connectionId}`;
    const before = (await p.admin('GET', sqPath)).body;
    expectError(await p.admin('PATCH', sqPath, { externalLocationId: null }), 400, 'validation_failed');
    expectError(await p.admin('PATCH', zePath, { externalLocationId: 'L1' }), 400, 'validation_failed');
    expectError(await p.admin('PATCH', zePath, { externalMerchantId: 'not-a-uuid' }), 400, 'validation_failed');
    for (const bad of [{ provider: 'shopify' }, { locationId: loc }, { signingKey: 'short' }, { status: 'paused' }]) {
      expectError(await p.admin('PATCH', sqPath, bad), 400, 'validation_failed');
    }
    expect((await p.admin('GET', sqPath)).body).toEqual(before);
    const moved = await p.admin('PATCH', sqPath, { externalLocationId: 'SQNEWLOC' });
    expect(moved.body.externalLocationId).toBe('SQNEWLOC');
    expectError(await send(squarePayment(sq)), 403, 'merchant_mismatch');
    expect((await send(squarePayment({ ...sq, externalLocationId: 'SQNEWLOC' }))).status).toBe(200);
  });

  it('tenant scoping: a connection of business A under business B is 404 and cannot be rotated or disabled', async () => {
    const a = await connect('square');
    const other = (await newBusiness(p)).id;
    const underB = `/admin/businesses/${other}/pos-connections/${a.connectionId}`;
    const auditBefore = await countRows(p, 'audit_log');
    expectError(await p.admin('GET', underB), 404, 'not_found');
    expectError(await p.admin('PATCH', underB, { signingKey: randomKey() }), 404, 'not_found');
    expectError(await p.admin('PATCH', underB, { status: 'disabled' }), 404, 'not_found');
    expectError(await p.admin('GET', `${underB}/dead-letters`), 404, 'not_found');
    expect((await p.admin('GET', `/admin/businesses/${other}/pos-connections`)).body).toEqual({ items: [], nextCursor: null });
    expect(await countRows(p, 'audit_log')).toBe(auditBefore);
    expect((await send(squarePayment(a))).status).toBe(200);
    expectError(await p.admin('GET', `/admin/businesses/${biz}/pos-connections/${crypto.randomUUID()}`), 404, 'not_found');
    expectError(await p.admin('GET', `/admin/businesses/${biz}/pos-connections/nope`), 400, 'validation_failed');
  });

  it('lists connections of the business newest first with cursor paging', async () => {
    const own = (await newBusiness(p)).id;
    const ids: string[] = [];
    for (const provider of ['square', 'shopify', 'zettle'] as const) ids.push((await connect(provider, own)).connectionId);
    const first = await p.admin('GET', `/admin/businesses/${own}/pos-connections?limit=2`);
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    const second = await p.admin('GET', `/admin/businesses/${own}/pos-connections?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
  });

  it('no signing key ever reaches the audit log', async () => {
    expect(keysUsed.length).toBeGreaterThan(10);
    const all = await p.ctx.db.kysely.selectFrom('audit_log').selectAll().execute();
    expect(all.length).toBeGreaterThan(10);
    const dump = JSON.stringify(all);
    for (const key of keysUsed.filter((k) => k.length >= 8)) expect(dump).not.toContain(key);
    expect(all.every((r) => r.actor === 'admin-token')).toBe(true);
  });
});
