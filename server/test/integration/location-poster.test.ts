import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, TEST_ADMIN_TOKEN, type TestPlatform } from '../helpers/platform.js';
import { expectError, newBusiness } from '../helpers/admin-helpers.js';
import { businessUser, type Browser } from '../helpers/accounts.js';
import { pdfProblems, pdfTextRuns } from '../rewards/pdf-check.js';
import { POSTER_TEXT } from '../../src/locations/poster.js';
import { qrMatrix } from '../../src/locations/qr.js';

/** Binary-safe GET (p.api decodes bodies as text) with either the admin token or a browser's session cookie. */
async function getBytes(p: TestPlatform, path: string, auth: { token: string } | { browser: Browser } | null) {
  const headers: Record<string, string> = {};
  if (auth && 'token' in auth) headers.authorization = `Bearer ${auth.token}`;
  if (auth && 'browser' in auth && auth.browser.cookie) headers.cookie = auth.browser.cookie;
  const res = await fetch(p.baseUrl + path, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The dark modules the PDF draws, rebuilt from its `x y w h re f` boxes. */
function drawnMatrix(pdf: Buffer): boolean[][] {
  const boxes = [...pdf.toString('latin1').matchAll(/^([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f$/gm)].map((m) => m.slice(1, 5).map(Number) as [number, number, number, number]);
  const left = Math.min(...boxes.map((b) => b[0]));
  const top = Math.max(...boxes.map((b) => b[1] + b[3]));
  const cell = Math.min(...boxes.map((b) => b[3]));
  const size = Math.round((Math.max(...boxes.map((b) => b[0] + b[2])) - left) / cell);
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [x, y, w, h] of boxes) {
    const from = Math.round((x - left) / cell);
    for (let c = from; c < from + Math.round(w / cell); c++) grid[Math.round((top - y - h) / cell)]![c] = true;
  }
  return grid;
}

describe.skipIf(backendUnavailable)('GET /admin/businesses/:businessId/locations/:locationId/poster.pdf', () => {
  let p: TestPlatform;
  let bizA: string;
  let bizB: string;
  let locA: { id: string; name: string; qrUrl: string; storeCode: string };
  let locB: string;
  let owner: Browser;
  let staff: Browser;
  const path = (businessId: string, locationId: string) => `/admin/businesses/${businessId}/locations/${locationId}/poster.pdf`;

  beforeAll(async () => {
    p = await startTestPlatform();
    bizA = (await newBusiness(p, { name: 'Kafé Åkersberga Östra' })).id;
    bizB = (await newBusiness(p)).id;
    const a = await p.admin('POST', `/admin/businesses/${bizA}/locations`, { name: 'Hörnan vid Torget', address: 'Storgatan 1, Åre' });
    expect(a.status, a.text).toBe(201);
    locA = a.body;
    locB = (await p.admin('POST', `/admin/businesses/${bizB}/locations`, { name: 'Annans butik', address: 'Väg 2' })).body.id;
    const tag = Math.random().toString(36).slice(2, 8);
    owner = await businessUser(p, bizA, `owner-${tag}@example.se`, 'owner');
    staff = await businessUser(p, bizA, `staff-${tag}@example.se`, 'staff');
  });
  afterAll(async () => p?.stop());

  it("gives the owner an A5 PDF of their location with the QR of the location's customer link", async () => {
    const res = await getBytes(p, path(bizA, locA.id), { browser: owner });
    expect(res.status, res.bytes.toString()).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="kvittra-affisch-hornan-vid-torget.pdf"');
    expect(res.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfProblems(res.bytes)).toEqual([]);
    expect(res.bytes.toString('latin1')).toContain('/MediaBox [0 0 420 595]');
    const runs = pdfTextRuns(res.bytes);
    expect(runs).toEqual(expect.arrayContaining(['Kafé Åkersberga Östra', 'Hörnan vid Torget', locA.storeCode, POSTER_TEXT.callToActionEn, 'Kvittra']));
    expect(runs.join(' ')).toContain(POSTER_TEXT.callToAction);
    expect(runs.join(' ')).toContain('Gå till kvittra.test/s');
    expect(drawnMatrix(res.bytes)).toEqual(qrMatrix(locA.qrUrl));
  });

  it('is tenant access: staff and the operator get it too, without credentials 401', async () => {
    expect((await getBytes(p, path(bizA, locA.id), { browser: staff })).status).toBe(200);
    expect((await getBytes(p, path(bizA, locA.id), { token: TEST_ADMIN_TOKEN })).status).toBe(200);
    expect((await getBytes(p, path(bizA, locA.id), null)).status).toBe(401);
  });

  it("follows a rotated QR token (old posters stop working, a new one is needed)", async () => {
    const before = await getBytes(p, path(bizA, locA.id), { token: TEST_ADMIN_TOKEN });
    const rotated = await p.admin('POST', `/admin/businesses/${bizA}/locations/${locA.id}/rotate-qr`, {});
    expect(rotated.status, rotated.text).toBe(200);
    const after = await getBytes(p, path(bizA, locA.id), { token: TEST_ADMIN_TOKEN });
    expect(drawnMatrix(after.bytes)).toEqual(qrMatrix(rotated.body.qrUrl));
    expect(drawnMatrix(after.bytes)).not.toEqual(drawnMatrix(before.bytes));
  });

  it("404s another business's location under one's own business, for the owner and the operator alike", async () => {
    const asOwner = await owner.call('GET', path(bizA, locB));
    expectError(asOwner, 404, 'not_found');
    expectError(await p.admin('GET', path(bizA, locB)), 404, 'not_found');
  });

  it("refuses the owner another business's path (403, no probing) and 404s unknown ids", async () => {
    expectError(await owner.call('GET', path(bizB, locB)), 403, 'forbidden');
    expectError(await owner.call('GET', path(bizA, randomUUID())), 404, 'not_found');
    expectError(await p.admin('GET', path(randomUUID(), randomUUID())), 404, 'not_found');
    expectError(await p.admin('GET', path(bizA, 'not-a-uuid')), 400, 'validation_failed');
  });
});
