import { z } from 'zod';
import {
  guardParse, guardVerify, headerValue, ignored, invalid, isRecord, last4Digits, ok, tryParseJson, zodDetails,
  type EffectResult,
} from './common.js';
import { epochMillisToIso, normaliseCurrency, normaliseTimestamp } from './money.js';
import { hmacSha256, macMatchesHeader } from './signature.js';
import type { ConnectionContext, NormalisedRefund, NormalisedSale, ParseResult, ProviderAdapter, RawWebhook } from './types.js';

export const ZETTLE_SIGNATURE_HEADER = 'x-izettle-signature';

/** The envelope's `timestamp` and decoded `payload` strings, which are all Zettle signs. */
function signedFields(rawBody: Buffer): { timestamp: string; payload: string } | null {
  const body = tryParseJson(rawBody.toString('utf8'));
  if (!isRecord(body) || typeof body.timestamp !== 'string' || typeof body.payload !== 'string') return null;
  return { timestamp: body.timestamp, payload: body.payload };
}

/** PHP's stripslashes(): drop each backslash, keep the next char; "\0" becomes NUL. */
export function stripslashes(text: string): string {
  return text.replace(/\\([\s\S]?)/g, (_match, next: string) => (next === '0' ? '\0' : next));
}

/**
 * hex(HMAC(key, timestamp + "." + payload)) per Zettle's Python/Java samples.
 * Zettle's PHP sample (and Shopware's production plugin) hash stripslashes() of
 * that string instead; the two only differ when the payload contains backslashes
 * (escaped quotes/newlines in free text), and Zettle publishes no test vector to
 * say which its signer uses, so the PHP form is accepted as a fallback. It can't
 * be forged without the key; a replay that adds backslashes can only alter free
 * text, because the ids we use must be plain UUIDs (see UUID below).
 */
function verifySignature(req: RawWebhook, conn: ConnectionContext): boolean {
  return guardVerify(() => {
    if (!conn.signingKey || !Buffer.isBuffer(req.rawBody)) return false;
    const fields = signedFields(req.rawBody);
    const header = headerValue(req.headers, ZETTLE_SIGNATURE_HEADER);
    if (!fields || !header) return false;
    const signed = `${fields.timestamp}.${fields.payload}`;
    if (macMatchesHeader(hmacSha256(conn.signingKey, signed), header, ['hex'])) return true;
    const php = stripslashes(signed);
    return php !== signed && macMatchesHeader(hmacSha256(conn.signingKey, php), header, ['hex']);
  });
}

/** The message Zettle sends when a subscription is created: acknowledge, don't store. */
export function isZettleTestMessage(rawBody: Buffer): boolean {
  try {
    const body = tryParseJson(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : '');
    return isRecord(body) && body.eventName === 'TestMessage';
  } catch {
    return false;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = z.string().regex(UUID);

const envelopeSchema = z.object({
  organizationUuid: z.string().min(1),
  eventName: z.string().min(1),
  messageId: z.string().min(1),
  payload: z.unknown(),
});

const purchaseSchema = z.object({
  purchaseUuid: uuid.nullish(),
  purchaseUUID1: uuid.nullish(),
  organizationUuid: z.string().nullish(),
  amount: z.number().int(),
  currency: z.string(),
  created: z.string().nullish(),
  timestamp: z.number().nullish(),
  products: z.array(z.unknown()).nullish(),
  payments: z.array(z.object({ attributes: z.record(z.string(), z.unknown()).nullish() }).loose()).nullish(),
  refund: z.boolean().nullish(),
  refundsPurchaseUUID1: uuid.nullish(),
  refundsPurchaseUuid: uuid.nullish(),
});
type Purchase = z.infer<typeof purchaseSchema>;

function cardLast4(purchase: Purchase): string | null {
  for (const payment of purchase.payments ?? []) {
    const last4 = last4Digits(payment.attributes?.maskedPan);
    if (last4) return last4;
  }
  return null;
}

type Common = { id: string; currency: string; occurredAt: string };

function refundEffect(purchase: Purchase, common: Common): EffectResult {
  const refunded = purchase.refundsPurchaseUUID1 ?? purchase.refundsPurchaseUuid;
  if (!refunded) return { ok: false, reason: 'refund purchase without refundsPurchaseUUID1' };
  const amountMinor = Math.abs(purchase.amount);
  if (amountMinor === 0) return { ok: true, effect: ignored('refund has no amount'), locationId: null };
  const refund: NormalisedRefund = {
    externalRefundId: common.id,
    externalPaymentId: refunded,
    amountMinor,
    currency: common.currency,
    status: 'completed', // a refund purchase is a finalised receipt
    occurredAt: common.occurredAt,
    externalLocationId: null,
  };
  return { ok: true, effect: { kind: 'refund', refund }, locationId: null };
}

function saleEffect(purchase: Purchase, common: Common): EffectResult {
  if (purchase.amount < 0) return { ok: false, reason: 'negative amount on a non-refund purchase' };
  const sale: NormalisedSale = {
    externalId: common.id,
    amountMinor: purchase.amount,
    currency: common.currency,
    occurredAt: common.occurredAt,
    externalLocationId: null, // Zettle purchases carry no shop location
    cardLast4: cardLast4(purchase),
    lineItemCount: purchase.products ? purchase.products.length : null,
  };
  return { ok: true, effect: { kind: 'sale', sale }, locationId: null };
}

function purchaseEffect(payload: unknown, organizationUuid: string): EffectResult {
  if (typeof payload !== 'string') return { ok: false, reason: 'PurchaseCreated payload is not a string' };
  const parsed = purchaseSchema.safeParse(tryParseJson(payload));
  if (!parsed.success) return { ok: false, reason: 'invalid purchase', details: zodDetails(parsed.error) };
  const purchase = parsed.data;
  // The envelope's organizationUuid is not signed; the payload's copy is.
  if (purchase.organizationUuid && purchase.organizationUuid !== organizationUuid) {
    return { ok: false, reason: 'payload organizationUuid differs from envelope' };
  }
  const id = purchase.purchaseUuid ?? purchase.purchaseUUID1;
  if (!id) return { ok: false, reason: 'purchase has no purchaseUuid' };
  const currency = normaliseCurrency(purchase.currency);
  if (!currency) return { ok: false, reason: 'invalid purchase currency', details: purchase.currency };
  const occurredAt = normaliseTimestamp(purchase.created) ?? epochMillisToIso(purchase.timestamp);
  if (!occurredAt) return { ok: false, reason: 'purchase has no valid created/timestamp' };
  const common = { id, currency, occurredAt };
  const refundRef = purchase.refundsPurchaseUUID1 ?? purchase.refundsPurchaseUuid;
  const isRefund = purchase.refund === true || (purchase.amount < 0 && Boolean(refundRef));
  return isRefund ? refundEffect(purchase, common) : saleEffect(purchase, common);
}

function parse(req: RawWebhook): ParseResult {
  return guardParse(() => {
    if (!Buffer.isBuffer(req.rawBody)) return invalid('body is not a buffer');
    const envelope = envelopeSchema.safeParse(tryParseJson(req.rawBody.toString('utf8')));
    if (!envelope.success) return invalid('invalid Zettle envelope', zodDetails(envelope.error));
    const { organizationUuid, eventName, messageId, payload } = envelope.data;
    const result: EffectResult =
      eventName === 'PurchaseCreated'
        ? purchaseEffect(payload, organizationUuid)
        : { ok: true, effect: ignored(`unhandled event ${eventName}`), locationId: null };
    if (!result.ok) return invalid(result.reason, result.details);
    return ok({ eventId: messageId, eventType: eventName, merchantId: organizationUuid, locationId: null, effect: result.effect });
  });
}

export const zettleAdapter: ProviderAdapter = {
  provider: 'zettle',
  verifySignature,
  parse,
};
