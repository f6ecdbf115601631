import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { backendUnavailable, startTestPlatform, TEST_ADMIN_TOKEN, TEST_PUBLIC_BASE_URL, type TestPlatform } from '../helpers/platform.js';
import { auditFor, countRows, expectError, ISO_UTC, newBusiness, UUID } from '../helpers/admin-helpers.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Binary-safe GET with the admin token (p.admin decodes the body as text). */
async function adminBytes(p: TestPlatform, path: string) {
  const res = await fetch(p.baseUrl + path, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** What a QR of exactly this URL renders to with the server's options (ECC M, margin 2). */
const expectedSvg = (url: string) => QRCode.toString(url, { errorCorrectionLevel: 'M', margin: 2, type: 'svg' });

describe.skipIf(backendUnavailable)('admin locations', () => {
  let p: TestPlatform;
  let bizA: string;
  let bizB: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    bizA = (await newBusiness(p)).id;
    bizB = (await newBusiness(p)).id;
  });
  afterAll(async () => p?.stop());

  const create = (businessId: string, body: unknown = { name: '  Butik Centrum ', address: ' Drottninggatan 1, Stockholm ' }) => p.admin('POST', `/admin/businesses/${businessId}/locations`, body);

  it('creates a location: 201 with id, qrToken and qrUrl = PUBLIC_BASE_URL/f/<token>, audited', async () => {
    const res = await create(bizA);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      businessId: bizA,
      name: 'Butik Centrum',
      address: 'Drottninggatan 1, Stockholm',
      qrToken: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      qrUrl: `${TEST_PUBLIC_BASE_URL}/f/${res.body.qrToken}`,
      storeCode: expect.stringMatching(/^\d{6}$/),
      status: 'active',
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    expect(res.body.qrUrl).toBe(`https://kvittra.test/f/${res.body.qrToken}`);
    const got = await p.admin('GET', `/admin/businesses/${bizA}/locations/${res.body.id}`);
    expect(got.body).toEqual(res.body);
    const audit = await auditFor(p, res.body.id);
    expect(audit.map((r) => [r.actor, r.action, r.target_type])).toEqual([['admin-token', 'location.create', 'location']]);
    expect(JSON.parse(audit[0]!.details!)).toEqual({ businessId: bizA });
  });

  it('QR tokens are unique per location', async () => {
    const tokens = await Promise.all(Array.from({ length: 8 }, async () => (await create(bizA)).body.qrToken as string));
    expect(new Set(tokens).size).toBe(8);
  });

  it('rejects invalid location bodies with 400 validation_failed and stores nothing', async () => {
    const before = await countRows(p, 'locations');
    for (const body of [{}, { name: 'X' }, { address: 'Y' }, { name: '', address: 'Y' }, { name: 'X', address: '   ' }, { name: 'X'.repeat(201), address: 'Y' }, { name: 'X', address: 'Y'.repeat(501) }, { name: 1, address: 'Y' }, [], null]) {
      expectError(await create(bizA, body), 400, 'validation_failed');
    }
    expect(await countRows(p, 'locations')).toBe(before);
  });

  it('location under an unknown business → 404; non-uuid ids → 400', async () => {
    expectError(await create(crypto.randomUUID()), 404, 'not_found');
    const loc = (await create(bizA)).body;
    expectError(await p.admin('GET', `/admin/businesses/${bizA}/locations/${crypto.randomUUID()}`), 404, 'not_found');
    expectError(await p.admin('GET', `/admin/businesses/${bizA}/locations/not-a-uuid`), 400, 'validation_failed');
    expectError(await p.admin('GET', `/admin/businesses/nope/locations/${loc.id}`), 400, 'validation_failed');
  });

  it('QR as PNG: image/png, PNG signature, requested size, attachment filename', async () => {
    const loc = (await create(bizA)).body;
    const res = await adminBytes(p, `/admin/businesses/${bizA}/locations/${loc.id}/qr.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="kvittra-qr-${loc.id}.png"`);
    expect(res.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(res.bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(res.bytes.readUInt32BE(16)).toBe(512);
    expect(res.bytes.readUInt32BE(20)).toBe(512);
    const expected = await QRCode.toBuffer(loc.qrUrl, { errorCorrectionLevel: 'M', margin: 2, type: 'png', width: 512 });
    expect(res.bytes.equals(expected)).toBe(true);

    const small = await adminBytes(p, `/admin/businesses/${bizA}/locations/${loc.id}/qr.png?size=256`);
    expect(small.status).toBe(200);
    expect(small.bytes.readUInt32BE(16)).toBe(256);
    for (const size of ['127', '2049', 'big', '300.5']) {
      expectError(await p.admin('GET', `/admin/businesses/${bizA}/locations/${loc.id}/qr.png?size=${size}`), 400, 'validation_failed');
    }
  });

  it('QR as SVG: image/svg+xml containing <svg> that encodes exactly the qrUrl', async () => {
    const loc = (await create(bizA)).body;
    const res = await p.admin('GET', `/admin/businesses/${bizA}/locations/${loc.id}/qr.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="kvittra-qr-${loc.id}.svg"`);
    expect(res.text).toContain('<svg');
    expect(res.text.trim().endsWith('</svg>')).toBe(true);
    expect(res.text).toBe(await expectedSvg(`${TEST_PUBLIC_BASE_URL}/f/${loc.qrToken}`));
  });

  it('rotate-qr issues a new token; GET, qrUrl and both QR images follow it; audited', async () => {
    const loc = (await create(bizA)).body;
    const oldSvg = (await p.admin('GET', `/admin/businesses/${bizA}/locations/${loc.id}/qr.svg`)).text;
    const rotated = await p.admin('POST', `/admin/businesses/${bizA}/locations/${loc.id}/rotate-qr`);
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.id).toBe(loc.id);
    expect(rotated.body.qrToken).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(rotated.body.qrToken).not.toBe(loc.qrToken);
    expect(rotated.body.qrUrl).toBe(`${TEST_PUBLIC_BASE_URL}/f/${rotated.body.qrToken}`);
    expect((await p.admin('GET', `/admin/businesses/${bizA}/locations/${loc.id}`)).body.qrToken).toBe(rotated.body.qrToken);
    const newSvg = (await p.admin('GET', `/admin/businesses/${bizA}/locations/${loc.id}/qr.svg`)).text;
    expect(newSvg).not.toBe(oldSvg);
    expect(newSvg).toBe(await expectedSvg(rotated.body.qrUrl));
    const png = await adminBytes(p, `/admin/businesses/${bizA}/locations/${loc.id}/qr.png`);
    expect(png.bytes.equals(await QRCode.toBuffer(rotated.body.qrUrl, { errorCorrectionLevel: 'M', margin: 2, type: 'png', width: 512 }))).toBe(true);
    const again = await p.admin('POST', `/admin/businesses/${bizA}/locations/${loc.id}/rotate-qr`);
    expect(again.body.qrToken).not.toBe(rotated.body.qrToken);
    const audit = await auditFor(p, loc.id);
    expect(audit.map((r) => [r.actor, r.action])).toEqual([
      ['admin-token', 'location.create'],
      ['admin-token', 'location.rotate_qr'],
      ['admin-token', 'location.rotate_qr'],
    ]);
    expect(audit.map((r) => r.details ?? '').join(' ')).not.toContain(loc.qrToken);
  });

  it('PATCH updates name/address/status and audits; bad patches are 400 and change nothing', async () => {
    const loc = (await create(bizA)).body;
    const res = await p.admin('PATCH', `/admin/businesses/${bizA}/locations/${loc.id}`, { name: ' Butik Söder ', address: 'Götgatan 5', status: 'disabled' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: loc.id, businessId: bizA, name: 'Butik Söder', address: 'Götgatan 5', status: 'disabled', qrToken: loc.qrToken, qrUrl: loc.qrUrl });
    expect((await p.admin('GET', `/admin/businesses/${bizA}/locations/${loc.id}`)).body).toEqual(res.body);
    for (const bad of [{ qrToken: 'mine' }, { businessId: bizB }, { name: '' }, { status: 'gone' }]) {
      expectError(await p.admin('PATCH', `/admin/businesses/${bizA}/locations/${loc.id}`, bad), 400, 'validation_failed');
    }
    expect((await p.admin('GET', `/admin/businesses/${bizA}/locations/${loc.id}`)).body).toEqual(res.body);
    const audit = await auditFor(p, loc.id);
    expect(audit.map((r) => r.action)).toEqual(['location.create', 'location.update']);
    expect(JSON.parse(audit[1]!.details!).fields.sort()).toEqual(['address', 'name', 'status']);
  });

  it('lists only the business’s own locations, newest first, with cursor paging', async () => {
    const biz = (await newBusiness(p)).id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create(biz, { name: `L${i}`, address: 'A' })).body.id);
    await create(bizB);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await p.admin('GET', `/admin/businesses/${biz}/locations?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      for (const l of res.body.items) expect(l.businessId).toBe(biz);
      seen.push(...res.body.items.map((l: { id: string }) => l.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expectError(await p.admin('GET', `/admin/businesses/${biz}/locations?cursor=%%%`), 400, 'invalid_cursor');
    expectError(await p.admin('GET', `/admin/businesses/${biz}/locations?limit=0`), 400, 'validation_failed');
  });

  it('tenant scoping: a location of business A under business B’s path is 404 everywhere and untouched', async () => {
    const loc = (await create(bizA)).body;
    const auditBefore = await countRows(p, 'audit_log');
    const underB = `/admin/businesses/${bizB}/locations/${loc.id}`;
    expectError(await p.admin('GET', underB), 404, 'not_found');
    expectError(await p.admin('PATCH', underB, { name: 'Stolen' }), 404, 'not_found');
    expectError(await p.admin('PATCH', underB, { status: 'disabled' }), 404, 'not_found');
    expectError(await p.admin('POST', `${underB}/rotate-qr`), 404, 'not_found');
    expectError(await p.admin('GET', `${underB}/qr.png`), 404, 'not_found');
    expectError(await p.admin('GET', `${underB}/qr.svg`), 404, 'not_found');
    for (const r of [await p.admin('GET', underB), await p.admin('GET', `${underB}/qr.svg`)]) {
      expect(r.text).not.toContain(loc.qrToken);
      expect(r.body.error.message).toBe('Location not found.');
    }
    const listB = await p.admin('GET', `/admin/businesses/${bizB}/locations?limit=200`);
    expect(listB.body.items.map((l: { id: string }) => l.id)).not.toContain(loc.id);
    expect((await p.admin('GET', `/admin/businesses/${bizA}/locations/${loc.id}`)).body).toEqual(loc);
    expect(await countRows(p, 'audit_log')).toBe(auditBefore);
  });
});
