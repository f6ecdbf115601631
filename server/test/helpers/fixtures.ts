import type { PlatformHandle } from './platform.js';

// The one org-number sequence of this test process: validOrgNumber(), admin-helpers.orgNumber() and
// webhook-helpers.safeOrgNumber() all draw from it, so no two calls give the same number (a unique
// column). It starts above the 556000-…/556016-… numbers tests write out literally.
let orgSeq = 100_000;

/** A valid, unique Swedish organisationsnummer (Luhn check digit computed). */
export function validOrgNumber(): string {
  if (orgSeq > 999_999) throw new Error('validOrgNumber: sequence exhausted'); // never wrap into a repeat
  // 556… is the aktiebolag series; the third digit must be ≥ 2 for organisations.
  const body = `556${String(orgSeq++).padStart(6, '0')}`;
  return `${body.slice(0, 6)}-${body.slice(6)}${luhnDigit(body)}`;
}

export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** New businesses start pending and are invisible to customers until an operator approves them. */
export async function approveBusiness(p: PlatformHandle, businessId: string) {
  const res = await p.admin('POST', `/admin/businesses/${businessId}/approve`, {});
  if (res.status !== 200) throw new Error(`approveBusiness: ${res.status} ${res.text}`);
}

export async function createBusiness(p: PlatformHandle, overrides: Record<string, unknown> = {}) {
  const res = await p.admin('POST', '/admin/businesses', { name: 'Kafé Test', orgNumber: validOrgNumber(), businessType: 'cafe', email: 'owner@example.se', ...overrides });
  if (res.status !== 201) throw new Error(`createBusiness: ${res.status} ${res.text}`);
  const business = res.body as { id: string; orgNumber: string };
  await approveBusiness(p, business.id);
  return business;
}

export async function createLocation(p: PlatformHandle, businessId: string) {
  const res = await p.admin('POST', `/admin/businesses/${businessId}/locations`, { name: 'Butik Centrum', address: 'Drottninggatan 1, Stockholm' });
  if (res.status !== 201) throw new Error(`createLocation: ${res.status} ${res.text}`);
  return res.body as { id: string; qrToken: string; qrUrl: string };
}

export interface ConnectionSetup {
  businessId: string;
  locationId: string;
  connectionId: string;
  webhookUrl: string;
  signingKey: string;
  merchantId: string;
  externalLocationId: string | null;
}

const MERCHANTS = {
  square: () => ({ merchantId: `SQM${Math.random().toString(36).slice(2, 10).toUpperCase()}`, externalLocationId: `SQL${Math.random().toString(36).slice(2, 10).toUpperCase()}` }),
  shopify: () => ({ merchantId: `shop-${Math.random().toString(36).slice(2, 8)}.myshopify.com`, externalLocationId: '655441491' }),
  zettle: () => ({ merchantId: crypto.randomUUID(), externalLocationId: null }),
};

/** Business → location → POS connection of the given provider, ready to receive webhooks. */
export async function setupConnection(p: PlatformHandle, provider: 'square' | 'shopify' | 'zettle', businessId?: string): Promise<ConnectionSetup> {
  const bid = businessId ?? (await createBusiness(p)).id;
  const loc = await createLocation(p, bid);
  const ids = MERCHANTS[provider]();
  const signingKey = `key-${provider}-${Math.random().toString(36).slice(2)}`;
  const res = await p.admin('POST', `/admin/businesses/${bid}/pos-connections`, { provider, locationId: loc.id, externalMerchantId: ids.merchantId, externalLocationId: ids.externalLocationId, signingKey });
  if (res.status !== 201) throw new Error(`setupConnection: ${res.status} ${res.text}`);
  return { businessId: bid, locationId: loc.id, connectionId: res.body.id, webhookUrl: res.body.webhookUrl, signingKey, ...ids };
}
