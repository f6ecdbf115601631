import { stringify as stringifyLossless } from 'lossless-json';
import { parseShopifyJson } from '../pos/providers/shopify-json.js';
import { isRecord, tryParseJson } from '../pos/providers/common.js';
import type { ResolvedConnection } from '../pos/connection-service.js';
import type { PosProvider } from '../pos/providers/types.js';
import type { PosApiClient } from './api-client.js';
import type { PosSyncConfig } from './config.js';
import { PosApiError } from './errors.js';
import type { SyntheticWebhook } from './types.js';

export interface Window {
  start: string;
  end: string;
}

const MAX_PAGES = 500;

/**
 * Provider list APIs → the webhook each item would have produced. Only the envelope is built here;
 * the item itself is passed through untouched, so the webhook adapters do all the mapping.
 */
export type Lister = (client: PosApiClient, cfg: PosSyncConfig, conn: ResolvedConnection, token: string, window: Window) => Promise<SyntheticWebhook[]>;

function json(body: string, what: string): Record<string, unknown> {
  const parsed = tryParseJson(body);
  if (!isRecord(parsed)) throw new PosApiError(`${what}: response is not a JSON object`, 'invalid_response', 200, false, false);
  return parsed;
}

function squareEnvelope(conn: ResolvedConnection, kind: 'payment' | 'refund', item: Record<string, unknown>): SyntheticWebhook {
  const id = String(item.id);
  const body = { merchant_id: conn.context.externalMerchantId, type: `${kind}.updated`, event_id: `api:${kind}:${id}`, location_id: item.location_id ?? null, data: { type: kind, id, object: { [kind]: item } } };
  return { key: `${kind}:${id}`, raw: { rawBody: Buffer.from(JSON.stringify(body)), headers: {} } };
}

async function squarePages(client: PosApiClient, cfg: PosSyncConfig, conn: ResolvedConnection, token: string, window: Window, resource: 'payments' | 'refunds'): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const q = new URLSearchParams({ begin_time: window.start, end_time: window.end, limit: '100' });
    if (conn.context.externalLocationId) q.set('location_id', conn.context.externalLocationId);
    if (cursor) q.set('cursor', cursor);
    const res = await client.request({ provider: 'square', operation: `${resource}.list`, path: `/v2/${resource}?${q}`, headers: { authorization: `Bearer ${token}`, 'square-version': cfg.squareVersion } });
    const body = json(res.body, `Square ${resource}`);
    const list = body[resource];
    if (Array.isArray(list)) items.push(...list.filter(isRecord));
    cursor = typeof body.cursor === 'string' && body.cursor ? body.cursor : undefined;
    if (!cursor) break;
  }
  return items;
}

/** Square: ListPayments and ListPaymentRefunds for the window, at the connection's location. */
export const listSquare: Lister = async (client, cfg, conn, token, window) => {
  const payments = await squarePages(client, cfg, conn, token, window, 'payments');
  const refunds = await squarePages(client, cfg, conn, token, window, 'refunds');
  return [...payments.map((p) => squareEnvelope(conn, 'payment', p)), ...refunds.map((r) => squareEnvelope(conn, 'refund', r))];
};

/** The rel="next" URL of a Link header, as a path + query to send to whichever endpoint is active. */
export function nextLink(link: string | string[] | undefined): string | null {
  const text = Array.isArray(link) ? link.join(',') : link;
  if (!text) return null;
  for (const part of text.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m?.[1]) {
      const url = new URL(m[1], 'http://placeholder');
      return `${url.pathname}${url.search}`;
    }
  }
  return null;
}

function shopifyWebhook(shop: string, topic: string, id: string, item: unknown): SyntheticWebhook {
  // lossless-json keeps 64-bit ids exact through parse → stringify.
  const rawBody = Buffer.from(stringifyLossless(item) ?? 'null');
  return { key: `${topic}:${id}`, raw: { rawBody, headers: { 'x-shopify-topic': topic, 'x-shopify-shop-domain': shop, 'x-shopify-event-id': `api:${topic}:${id}` } } };
}

/** Shopify: orders updated in the window (any status), with their refunds, following Link pagination. */
export const listShopify: Lister = async (client, cfg, conn, token, window) => {
  const shop = conn.context.externalMerchantId;
  const out: SyntheticWebhook[] = [];
  let path: string | null = `/admin/api/${cfg.shopifyApiVersion}/orders.json?${new URLSearchParams({ updated_at_min: window.start, status: 'any', limit: '250' })}`;
  for (let page = 0; path && page < MAX_PAGES; page++) {
    const res = await client.request({ provider: 'shopify', operation: 'orders.list', path, shop, headers: { 'x-shopify-access-token': token } });
    const body = parseShopifyJson(Buffer.from(res.body));
    if (!isRecord(body) || !Array.isArray(body.orders)) throw new PosApiError('Shopify orders: unexpected response', 'invalid_response', res.status, false, false);
    for (const order of body.orders.filter(isRecord)) {
      const id = String(order.id);
      out.push(shopifyWebhook(shop, 'orders/paid', id, order));
      const refunds = Array.isArray(order.refunds) ? order.refunds.filter(isRecord) : [];
      for (const refund of refunds) out.push(shopifyWebhook(shop, 'refunds/create', String(refund.id), refund));
    }
    path = nextLink(res.headers.link);
  }
  return out;
};

/**
 * The Purchase API sends `timestamp` as an ISO string where the push payload has epoch millis and
 * `created`; moving it is the one shape difference between the two.
 */
export function purchaseAsPushPayload(p: Record<string, unknown>): Record<string, unknown> {
  if (typeof p.timestamp !== 'string') return p;
  const { timestamp, ...rest } = p;
  return { ...rest, created: rest.created ?? timestamp };
}

/** Zettle minute-precision UTC date-time, e.g. 2026-01-02T03:04. */
const zettleDate = (iso: string) => iso.slice(0, 16);

/** Zettle: purchases (sales and refunds) in the window, paging with lastPurchaseHash. */
export const listZettle: Lister = async (client, _cfg, conn, token, window) => {
  const out: SyntheticWebhook[] = [];
  let hash: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const q = new URLSearchParams({ startDate: zettleDate(window.start), endDate: zettleDate(window.end), limit: '1000' });
    if (hash) q.set('lastPurchaseHash', hash);
    const res = await client.request({ provider: 'zettle', operation: 'purchases.list', path: `/purchases/v2?${q}`, headers: { authorization: `Bearer ${token}` } });
    const body = json(res.body, 'Zettle purchases');
    const purchases = Array.isArray(body.purchases) ? body.purchases.filter(isRecord) : [];
    for (const p of purchases) {
      const id = String(p.purchaseUUID1 ?? p.purchaseUuid ?? p.purchaseUUID);
      const envelope = { organizationUuid: conn.context.externalMerchantId, eventName: 'PurchaseCreated', messageId: `api:purchase:${id}`, payload: JSON.stringify(purchaseAsPushPayload(p)), timestamp: new Date().toISOString() };
      out.push({ key: `purchase:${id}`, raw: { rawBody: Buffer.from(JSON.stringify(envelope)), headers: {} } });
    }
    const next = typeof body.lastPurchaseHash === 'string' && body.lastPurchaseHash ? body.lastPurchaseHash : undefined;
    if (purchases.length === 0 || !next || next === hash) break;
    hash = next;
  }
  return out;
};

export const LISTERS: Record<PosProvider, Lister> = { square: listSquare, shopify: listShopify, zettle: listZettle };
