import { z } from 'zod';
import {
  guardParse, guardVerify, headerValue, ignored, invalid, isRecord, last4Digits, ok, zodDetails,
  type EffectResult,
} from './common.js';
import { minorUnitDigits, normaliseCurrency, normaliseTimestamp, parseMajorToMinor } from './money.js';
import { hmacSha256, macMatchesHeader } from './signature.js';
import { shopifyRefundEffect } from './shopify-refund.js';
import { parseShopifyJson, shopifyCount, shopifyDecimal, shopifyId } from './shopify-json.js';
import type { ConnectionContext, ParseResult, ProviderAdapter, RawWebhook } from './types.js';

export const SHOPIFY_SIGNATURE_HEADER = 'x-shopify-hmac-sha256';

/** Shopify signs only the raw body; base64 is the one documented encoding. */
function verifySignature(req: RawWebhook, conn: ConnectionContext): boolean {
  return guardVerify(() => {
    if (!conn.signingKey || !Buffer.isBuffer(req.rawBody)) return false;
    const mac = hmacSha256(conn.signingKey, req.rawBody);
    return macMatchesHeader(mac, headerValue(req.headers, SHOPIFY_SIGNATURE_HEADER), ['base64']);
  });
}

const ORDER_GID = /^gid:\/\/shopify\/Order\/(\d+)$/;

const orderSchema = z.object({
  id: shopifyId.optional(),
  admin_graphql_api_id: z.string().nullish(),
  financial_status: z.string().nullish(),
  total_price: shopifyDecimal,
  currency: z.string(),
  processed_at: z.string().nullish(),
  created_at: z.string().nullish(),
  location_id: shopifyId.nullish(),
  payment_details: z.object({ credit_card_number: z.string().nullish() }).loose().nullish(),
  line_items: z.array(z.object({ quantity: shopifyCount.optional() }).loose()).nullish(),
});
type Order = z.infer<typeof orderSchema>;

/** Numeric `id` first (exact via lossless-json); the GraphQL gid's numeric tail is the same id. */
function orderId(order: Order): string | null {
  if (order.id) return order.id;
  const match = order.admin_graphql_api_id ? ORDER_GID.exec(order.admin_graphql_api_id) : null;
  return match?.[1] ?? null;
}

/** Sum of quantities; if any item lacks one, fall back to the number of lines. */
function lineItemCount(order: Order): number | null {
  const items = order.line_items;
  if (!items) return null;
  if (items.some((item) => item.quantity === undefined)) return items.length;
  const total = items.reduce((sum, item) => sum + (item.quantity ?? 0), 0);
  return Number.isSafeInteger(total) ? total : null;
}

// The topic header is not covered by the HMAC, so an unpaid orders/create body
// replayed as "orders/paid" must not become a sale: the signed status decides.
const UNPAID_STATUSES = new Set(['pending', 'authorized', 'partially_paid', 'voided', 'expired', 'unpaid']);

function orderEffect(body: unknown, topic: string): EffectResult {
  const parsed = orderSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: 'invalid order', details: zodDetails(parsed.error) };
  const order = parsed.data;
  const locationId = order.location_id ?? null;
  const status = order.financial_status ?? null;
  if (topic === 'orders/create' && status !== 'paid') {
    return { ok: true, effect: ignored('order not paid'), locationId };
  }
  if (status !== null && UNPAID_STATUSES.has(status)) {
    return { ok: true, effect: ignored(`order not paid (${status})`), locationId };
  }
  const externalId = orderId(order);
  if (!externalId) return { ok: false, reason: 'order has no id' };
  const currency = normaliseCurrency(order.currency);
  if (!currency) return { ok: false, reason: 'invalid order currency', details: order.currency };
  const amountMinor = parseMajorToMinor(order.total_price, { fractionDigits: minorUnitDigits(currency) });
  if (amountMinor === null) return { ok: false, reason: 'invalid total_price', details: order.total_price };
  const occurredAt = normaliseTimestamp(order.processed_at ?? order.created_at);
  if (!occurredAt) return { ok: false, reason: 'invalid processed_at/created_at' };
  const sale = {
    externalId,
    amountMinor,
    currency,
    occurredAt,
    externalLocationId: locationId,
    cardLast4: last4Digits(order.payment_details?.credit_card_number),
    lineItemCount: lineItemCount(order),
  };
  return { ok: true, effect: { kind: 'sale', sale }, locationId };
}

function effectFor(body: unknown, topic: string): EffectResult {
  switch (topic) {
    case 'orders/paid':
    case 'orders/create':
      return orderEffect(body, topic);
    case 'refunds/create':
      return shopifyRefundEffect(body);
    default:
      return { ok: true, effect: ignored(`unhandled topic ${topic}`), locationId: null };
  }
}

function parse(req: RawWebhook): ParseResult {
  return guardParse(() => {
    // Event-Id is stable across duplicate deliveries; Webhook-Id is per delivery, so only a fallback.
    const eventId = headerValue(req.headers, 'x-shopify-event-id') ?? headerValue(req.headers, 'x-shopify-webhook-id');
    const topic = headerValue(req.headers, 'x-shopify-topic');
    const shop = headerValue(req.headers, 'x-shopify-shop-domain')?.toLowerCase();
    if (!eventId) return invalid('missing x-shopify-event-id / x-shopify-webhook-id header');
    if (!topic) return invalid('missing x-shopify-topic header');
    if (!shop) return invalid('missing x-shopify-shop-domain header');
    if (!Buffer.isBuffer(req.rawBody)) return invalid('body is not a buffer');
    const body = parseShopifyJson(req.rawBody);
    if (!isRecord(body)) return invalid('body is not a JSON object');
    const result = effectFor(body, topic);
    if (!result.ok) return invalid(result.reason, result.details);
    return ok({ eventId, eventType: topic, merchantId: shop, locationId: result.locationId, effect: result.effect });
  });
}

export const shopifyAdapter: ProviderAdapter = {
  provider: 'shopify',
  verifySignature,
  parse,
};
