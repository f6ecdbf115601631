import { z } from 'zod';
import { ignored, zodDetails, type EffectResult } from './common.js';
import { minorUnitDigits, normaliseCurrency, normaliseTimestamp, parseMajorToMinor } from './money.js';
import { shopifyDecimal, shopifyId } from './shopify-json.js';
import type { NormalisedRefund } from './types.js';

const transactionSchema = z
  .object({
    kind: z.string(),
    status: z.string(),
    amount: shopifyDecimal,
    currency: z.string(),
    location_id: shopifyId.nullish(),
  })
  .loose();
type Transaction = z.infer<typeof transactionSchema>;

const refundLineSchema = z
  .object({
    subtotal: shopifyDecimal,
    subtotal_set: z.object({ shop_money: z.object({ currency_code: z.string() }).loose() }).loose().nullish(),
    location_id: shopifyId.nullish(),
  })
  .loose();
type RefundLine = z.infer<typeof refundLineSchema>;

const refundSchema = z.object({
  id: shopifyId,
  order_id: shopifyId,
  created_at: z.string().nullish(),
  processed_at: z.string().nullish(),
  transactions: z.array(transactionSchema).nullish(),
  refund_line_items: z.array(refundLineSchema).nullish(),
});

/** One currency + integer total for a list of decimal amounts, or an error reason. */
type Total = { ok: true; currency: string; amountMinor: number } | { ok: false; reason: string; details?: unknown };

function sumDecimals(parts: Array<{ amount: string; currency: string | null | undefined }>): Total {
  const currencies = new Set(parts.map((p) => normaliseCurrency(p.currency)));
  const [currency] = currencies;
  if (currencies.size !== 1 || !currency) {
    return { ok: false, reason: 'refund amounts lack a single valid currency', details: [...currencies] };
  }
  let total = 0;
  for (const part of parts) {
    const minor = parseMajorToMinor(part.amount, { fractionDigits: minorUnitDigits(currency) });
    if (minor === null) return { ok: false, reason: 'invalid refund amount', details: part.amount };
    total += minor;
  }
  if (!Number.isSafeInteger(total)) return { ok: false, reason: 'refund total out of range' };
  return { ok: true, currency, amountMinor: total };
}

/**
 * Status comes from the refund transactions: any success → completed, else any
 * pending → pending, else failed. The amount is the sum of the transactions that
 * decided the status, so a pending refund still says how much is expected to move.
 */
function fromTransactions(refunds: Transaction[]): { status: NormalisedRefund['status']; total: Total } {
  for (const [txStatus, status] of [['success', 'completed'], ['pending', 'pending']] as const) {
    const matching = refunds.filter((t) => t.status === txStatus);
    if (matching.length > 0) return { status, total: sumDecimals(matching) };
  }
  return { status: 'failed', total: sumDecimals(refunds) };
}

/**
 * No refund transaction: value the returned lines instead. Pending, because nothing
 * confirms money moved (a restock-only return has lines but no transaction).
 */
function fromLineItems(lines: RefundLine[]): { status: NormalisedRefund['status']; total: Total } {
  const parts = lines.map((line) => ({
    amount: line.subtotal,
    currency: line.subtotal_set?.shop_money.currency_code,
  }));
  if (parts.length === 0) return { status: 'pending', total: { ok: true, currency: '', amountMinor: 0 } };
  return { status: 'pending', total: sumDecimals(parts) };
}

function refundLocation(refundTxs: Transaction[], lines: RefundLine[]): string | null {
  const fromTx = refundTxs.find((t) => t.location_id)?.location_id;
  return fromTx ?? lines.find((l) => l.location_id)?.location_id ?? null;
}

/** refunds/create body (a Refund object) → refund effect. */
export function shopifyRefundEffect(body: unknown): EffectResult {
  const parsed = refundSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: 'invalid refund', details: zodDetails(parsed.error) };
  const refund = parsed.data;
  const refundTxs = (refund.transactions ?? []).filter((t) => t.kind === 'refund');
  const lines = refund.refund_line_items ?? [];
  const { status, total } = refundTxs.length > 0 ? fromTransactions(refundTxs) : fromLineItems(lines);
  if (!total.ok) return total;
  const locationId = refundLocation(refundTxs, lines);
  if (total.amountMinor === 0) return { ok: true, effect: ignored('refund has no amount'), locationId };
  const occurredAt = normaliseTimestamp(refund.processed_at ?? refund.created_at);
  if (!occurredAt) return { ok: false, reason: 'invalid refund processed_at/created_at' };
  const normalised: NormalisedRefund = {
    externalRefundId: refund.id,
    externalPaymentId: refund.order_id,
    amountMinor: total.amountMinor,
    currency: total.currency,
    status,
    occurredAt,
    externalLocationId: locationId,
  };
  return { ok: true, effect: { kind: 'refund', refund: normalised }, locationId };
}
