import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createLocation } from '../helpers/fixtures.js';
import { CONSENT } from '../helpers/customer.js';
import { expectError, newPendingBusiness } from '../helpers/admin-helpers.js';

/** Customers find a business only once an operator approved it; pending and rejected answer like disabled. */
describe.skipIf(backendUnavailable)('business approval gates the customer lookups', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  async function pendingShop() {
    const biz = await newPendingBusiness(p);
    const loc = await createLocation(p, biz.id);
    const row = await p.ctx.db.kysely.selectFrom('locations').select(['qr_token', 'store_code']).where('id', '=', loc.id).executeTakeFirstOrThrow();
    expect(row.store_code).toMatch(/^\d{6}$/);
    return { businessId: biz.id, qrToken: row.qr_token, storeCode: row.store_code! };
  }

  async function expectHidden(shop: { qrToken: string; storeCode: string }) {
    expectError(await p.api('GET', `/api/v1/locations/by-qr/${shop.qrToken}`), 404, 'not_found');
    expectError(await p.api('GET', `/api/v1/locations/by-store-code/${shop.storeCode}`), 404, 'not_found');
    expectError(await p.api('POST', '/api/v1/feedback-sessions', { qrToken: shop.qrToken, locale: 'sv', consent: CONSENT }), 404, 'not_found');
    expectError(await p.api('POST', '/api/v1/feedback-sessions', { storeCode: shop.storeCode, locale: 'sv', consent: CONSENT }), 404, 'not_found');
  }

  it('a new business starts pending and is invisible to customers until approved', async () => {
    const shop = await pendingShop();
    expect((await p.ctx.db.kysely.selectFrom('businesses').select('approval_status').where('id', '=', shop.businessId).executeTakeFirstOrThrow()).approval_status).toBe('pending');
    await expectHidden(shop);
    expect((await p.admin('POST', `/admin/businesses/${shop.businessId}/approve`, {})).status).toBe(200);
    expect((await p.api('GET', `/api/v1/locations/by-qr/${shop.qrToken}`)).status).toBe(200);
    expect((await p.api('GET', `/api/v1/locations/by-store-code/${shop.storeCode}`)).status).toBe(200);
    const session = await p.api('POST', '/api/v1/feedback-sessions', { qrToken: shop.qrToken, locale: 'sv', consent: CONSENT });
    expect(session.status, session.text).toBe(201);
  });

  it('a rejected business answers exactly like a disabled one', async () => {
    const rejected = await pendingShop();
    expect((await p.admin('POST', `/admin/businesses/${rejected.businessId}/reject-approval`, { reason: 'Okänt organisationsnummer' })).status).toBe(200);
    await expectHidden(rejected);
    const disabled = await pendingShop();
    expect((await p.admin('POST', `/admin/businesses/${disabled.businessId}/approve`, {})).status).toBe(200);
    expect((await p.admin('PATCH', `/admin/businesses/${disabled.businessId}`, { status: 'disabled' })).status).toBe(200);
    const a = await p.api('GET', `/api/v1/locations/by-qr/${rejected.qrToken}`);
    const b = await p.api('GET', `/api/v1/locations/by-qr/${disabled.qrToken}`);
    expect(a.status).toBe(b.status);
    expect(a.body).toEqual(b.body);
  });
});
