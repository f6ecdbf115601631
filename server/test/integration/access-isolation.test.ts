import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection } from '../helpers/fixtures.js';
import { newBusiness } from '../helpers/admin-helpers.js';
import { browser, businessUser, type Browser } from '../helpers/accounts.js';
import { seedFeedback } from '../helpers/feedback-seed.js';
import type { RegisteredRoute } from '../../src/auth/access-guard.js';

/**
 * Route enumeration: every route the server registers — including ones added later by other modules — is
 * checked. Business A's owner calls each guarded route with business B's ids (and operator-only routes with
 * A's own ids) and must get 403/404; with A's business id but B's sub-resource ids never a 2xx or 500;
 * without credentials 401. Routes outside the guard must not live under /admin or /swedish-ops.
 */
const GUARDED_PREFIXES = ['/admin', '/swedish-ops'];
/** Plausible bodies for writes, so a missing tenant check cannot hide behind a 400 for an empty body. */
const BODIES: Record<string, unknown> = {
  'PATCH /admin/businesses/:businessId/locations/:locationId': { name: 'Övertagen' },
  'POST /admin/businesses/:businessId/locations/:locationId/rotate-qr': {},
  'PATCH /admin/businesses/:businessId/pos-connections/:connectionId': { status: 'disabled' },
  'POST /admin/businesses/:businessId/store-claims/:claimId/decision': { status: 'verified' },
  'PATCH /admin/businesses/:businessId/members/:userId': { role: 'staff' },
};

interface Ids {
  businessId: string;
  locationId: string;
  connectionId: string;
  sessionId: string;
  userId: string;
  invitationId: string;
  questionId: string;
}

function fill(url: string, ids: Partial<Ids>, businessId: string): string {
  return url
    .replace(/\*$/, 'x')
    .replace(/:([A-Za-z]+)/g, (_m, name: string) => {
      if (name === 'businessId') return businessId;
      if (name === 'month') return '2026-11';
      if (name === 'provider') return 'square';
      if (name === 'token') return 'x'.repeat(40);
      return (ids as Record<string, string>)[name] ?? randomUUID();
    });
}

const subIdParams = (url: string) => [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!).filter((n) => n !== 'businessId' && n !== 'month');

describe.skipIf(backendUnavailable)('tenant isolation over every registered route', () => {
  let p: TestPlatform;
  let a: Ids;
  let b: Ids;
  let ownerA: Browser;
  let staffA: Browser;
  let routes: RegisteredRoute[];

  async function tenant(name: string): Promise<{ ids: Ids; owner: Browser; staff: Browser }> {
    const biz = await newBusiness(p, { name });
    const conn = await setupConnection(p, 'square', biz.id);
    const owner = await businessUser(p, biz.id, `owner-${biz.id}@kafe.test`, 'owner');
    const staff = await businessUser(p, biz.id, `staff-${biz.id}@kafe.test`, 'staff');
    const sessionId = await seedFeedback(p, { businessId: biz.id, locationId: conn.locationId, scoredAt: new Date().toISOString(), score: 80 });
    const inv = await p.admin('POST', `/admin/businesses/${biz.id}/invitations`, { email: `open-${biz.id}@kafe.test`, role: 'staff' });
    const q = await p.admin('POST', `/admin/businesses/${biz.id}/questions`, { text: 'Hur var kaffet?' });
    const me = await owner.call('GET', '/api/v1/auth/me');
    return { ids: { businessId: biz.id, locationId: conn.locationId, connectionId: conn.connectionId, sessionId, userId: me.body.user.id, invitationId: inv.body.id, questionId: q.body?.id ?? randomUUID() }, owner, staff };
  }

  beforeAll(async () => {
    p = await startTestPlatform();
    const ta = await tenant('Kafé A');
    const tb = await tenant('Kafé B');
    a = ta.ids;
    b = tb.ids;
    ownerA = ta.owner;
    staffA = ta.staff;
    routes = [...p.app.routeRegistry.values()].filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
  }, 120_000);
  afterAll(() => p?.stop());

  it('guards every operator and business route, and knows the tenant routes', () => {
    const unguarded = routes.filter((r) => !r.guarded && GUARDED_PREFIXES.some((pre) => r.url.startsWith(pre)));
    expect(unguarded.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    const misdeclared = routes.filter((r) => !r.guarded && r.declared);
    expect(misdeclared.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    const tenantRoutes = routes.filter((r) => r.guarded && r.access !== 'operator');
    expect(tenantRoutes.length).toBeGreaterThan(20);
    expect(tenantRoutes.every((r) => r.url.includes(':businessId'))).toBe(true);
    expect(routes.find((r) => r.url === '/admin/payout-batches' && r.method === 'POST')?.access).toBe('operator');
  });

  it("answers 401 on every guarded route without credentials", async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.guarded)) {
      const res = await p.api(r.method, fill(r.url, b, b.businessId), ['GET', 'DELETE'].includes(r.method) ? undefined : {});
      if (res.status !== 401) failures.push(`${r.method} ${r.url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("refuses business A's owner on business B's resources (403/404) on every guarded route", async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.guarded)) {
      const body = ['GET', 'DELETE'].includes(r.method) ? undefined : (BODIES[`${r.method} ${r.url}`] ?? {});
      const res = await ownerA.call(r.method, fill(r.url, b, b.businessId), body);
      if (![403, 404].includes(res.status)) failures.push(`${r.method} ${r.url} → ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
  });

  it("refuses business A's owner on operator-only routes even with A's own ids", async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.guarded && x.access === 'operator')) {
      const res = await ownerA.call(r.method, fill(r.url, a, a.businessId), ['GET', 'DELETE'].includes(r.method) ? undefined : {});
      if (res.status !== 403) failures.push(`${r.method} ${r.url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("never lets A's business id reach B's sub-resources (no 2xx, no 500)", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const r of routes.filter((x) => x.guarded && x.access !== 'operator' && subIdParams(x.url).length > 0)) {
      const body = ['GET', 'DELETE'].includes(r.method) ? undefined : (BODIES[`${r.method} ${r.url}`] ?? {});
      const res = await ownerA.call(r.method, fill(r.url, b, a.businessId), body);
      checked++;
      if (res.status < 400 || res.status >= 500) failures.push(`${r.method} ${r.url} → ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(checked).toBeGreaterThan(8);
    expect(failures).toEqual([]);
  });

  it("keeps staff out of owner-only routes of their own business", async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.guarded && x.access === 'tenant-owner')) {
      const res = await staffA.call(r.method, fill(r.url, a, a.businessId), ['GET', 'DELETE'].includes(r.method) ? undefined : (BODIES[`${r.method} ${r.url}`] ?? {}));
      if (res.status !== 403) failures.push(`${r.method} ${r.url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('lets members use tenant routes of their own business', async () => {
    expect((await ownerA.call('GET', `/admin/businesses/${a.businessId}/locations`)).status).toBe(200);
    expect((await staffA.call('GET', `/admin/businesses/${a.businessId}/feedback/${a.sessionId}`)).status).toBe(200);
    expect((await staffA.call('GET', `/admin/businesses/${a.businessId}/dashboard/overview`)).status).toBe(200);
    const signedOut = browser(p);
    expect((await signedOut.call('GET', `/admin/businesses/${a.businessId}/locations`)).status).toBe(401);
  });
});
