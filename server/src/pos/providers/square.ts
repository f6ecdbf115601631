import { z } from 'zod';
import {
  guardParse, guardVerify, headerValue, ignored, invalid, last4Digits, ok, tryParseJson, zodDetails,
  type EffectResult,
} from './common.js';
import { normaliseTimestamp } from './money.js';
import { hmacSha256, macMatchesHeader } from './signature.js';
import type {
  ConnectionContext, NormalisedRefund, ParseResult, ProviderAdapter, RawWebhook,
} from './types.js';

export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

/** Square signs the registered notification URL immediately followed by the raw body bytes. */
function verifySignature(req: RawWebhook, conn: ConnectionContext): boolean {
  return guardVerify(() => {
    if (!conn.signingKey || !Buffer.isBuffer(req.rawBody)) return false;
    const signed = Buffer.concat([Buffer.from(conn.webhookUrl ?? '', 'utf8'), req.rawBody]);
    const mac = hmacSha256(conn.signingKey, signed);
    // Base64 is what Square sends; hex appears in square-go-sdk's test vector and is equally safe.
    return macMatchesHeader(mac, headerValue(req.headers, SQUARE_SIGNATURE_HEADER), ['base64', 'hex']);
  });
}

const id = z.string().min(1);
const money = z.object({
  amount: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
});

const envelopeSchema = z.object({
  merchant_id: id,
  type: id,
  event_id: id,
  created_at: z.string().optional(),
  location_id: z.string().nullish(),
  data: z.unknown().optional(),
});
type Envelope = z.infer<typeof envelopeSchema>;

const paymentSchema = z.object({
  id,
  status: z.string(),
  created_at: z.string(),
  location_id: z.string().nullish(),
  total_money: money.nullish(),
  amount_money: money.nullish(),
  card_details: z.object({ card: z.object({ last_4: z.string().nullish() }).nullish() }).nullish(),
});

// Defined once: zod compiles a parser for each object schema on its first use, so one built per call is compiled per call.
const paymentStatusSchema = z.object({ status: z.string() });

const refundSchema = z.object({
  id,
  payment_id: id,
  status: z.string(),
  created_at: z.string(),
  location_id: z.string().nullish(),
  amount_money: money,
});

const REFUND_STATUS: Record<string, NormalisedRefund['status']> = {
  PENDING: 'pending',
  COMPLETED: 'completed',
  FAILED: 'failed',
  REJECTED: 'failed',
};

/** data.object.<name>, or undefined when any level is missing. */
function dataObject(envelope: Envelope, name: string): unknown {
  const data = envelope.data as { object?: Record<string, unknown> } | null | undefined;
  return data?.object?.[name];
}

function paymentEffect(envelope: Envelope): EffectResult {
  const status = paymentStatusSchema.safeParse(dataObject(envelope, 'payment'));
  if (!status.success) return { ok: false, reason: 'payment object missing', details: zodDetails(status.error) };
  const envelopeLocation = envelope.location_id ?? null;
  // Only a completed payment is a sale; created/approved payments are followed by payment.updated.
  if (status.data.status !== 'COMPLETED') {
    return { ok: true, effect: ignored(`payment status ${status.data.status}`), locationId: envelopeLocation };
  }
  const parsed = paymentSchema.safeParse(dataObject(envelope, 'payment'));
  if (!parsed.success) return { ok: false, reason: 'invalid payment', details: zodDetails(parsed.error) };
  const payment = parsed.data;
  const amount = payment.total_money ?? payment.amount_money;
  if (!amount) return { ok: false, reason: 'payment has no total_money or amount_money' };
  const occurredAt = normaliseTimestamp(payment.created_at);
  if (!occurredAt) return { ok: false, reason: 'invalid payment.created_at', details: payment.created_at };
  const locationId = payment.location_id ?? envelopeLocation;
  const sale = {
    externalId: payment.id,
    amountMinor: amount.amount,
    currency: amount.currency.toUpperCase(),
    occurredAt,
    externalLocationId: locationId,
    cardLast4: last4Digits(payment.card_details?.card?.last_4),
    lineItemCount: null,
  };
  return { ok: true, effect: { kind: 'sale', sale }, locationId };
}

function refundEffect(envelope: Envelope): EffectResult {
  const parsed = refundSchema.safeParse(dataObject(envelope, 'refund'));
  if (!parsed.success) return { ok: false, reason: 'invalid refund', details: zodDetails(parsed.error) };
  const refund = parsed.data;
  const status = REFUND_STATUS[refund.status];
  if (!status) return { ok: false, reason: `unknown refund status ${refund.status}` };
  const occurredAt = normaliseTimestamp(refund.created_at);
  if (!occurredAt) return { ok: false, reason: 'invalid refund.created_at', details: refund.created_at };
  const locationId = refund.location_id ?? envelope.location_id ?? null;
  const normalised: NormalisedRefund = {
    externalRefundId: refund.id,
    externalPaymentId: refund.payment_id,
    amountMinor: refund.amount_money.amount,
    currency: refund.amount_money.currency.toUpperCase(),
    status,
    occurredAt,
    externalLocationId: locationId,
  };
  return { ok: true, effect: { kind: 'refund', refund: normalised }, locationId };
}

function effectFor(envelope: Envelope): EffectResult {
  switch (envelope.type) {
    case 'payment.created':
    case 'payment.updated':
      return paymentEffect(envelope);
    case 'refund.created':
    case 'refund.updated':
      return refundEffect(envelope);
    default:
      return { ok: true, effect: ignored(`unhandled event type ${envelope.type}`), locationId: envelope.location_id ?? null };
  }
}

function parse(req: RawWebhook): ParseResult {
  return guardParse(() => {
    if (!Buffer.isBuffer(req.rawBody)) return invalid('body is not a buffer');
    const json = tryParseJson(req.rawBody.toString('utf8'));
    if (json === undefined) return invalid('body is not JSON');
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) return invalid('invalid Square envelope', zodDetails(envelope.error));
    const result = effectFor(envelope.data);
    if (!result.ok) return invalid(result.reason, result.details);
    return ok({
      eventId: envelope.data.event_id,
      eventType: envelope.data.type,
      merchantId: envelope.data.merchant_id,
      locationId: result.locationId,
      effect: result.effect,
    });
  });
}

export const squareAdapter: ProviderAdapter = {
  provider: 'square',
  verifySignature,
  parse,
};
