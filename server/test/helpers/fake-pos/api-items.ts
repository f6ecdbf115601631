import { randomUUID } from 'node:crypto';

/** Provider API objects in the shapes the list endpoints return (trimmed to what matters). */

export function squareApiPayment(o: { id?: string; amount: number; locationId: string; createdAt?: string; status?: string }) {
  const createdAt = o.createdAt ?? new Date(Date.now() - 5 * 60_000).toISOString();
  const id = o.id ?? `P${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  return { id, created_at: createdAt, updated_at: createdAt, amount_money: { amount: o.amount, currency: 'SEK' }, total_money: { amount: o.amount, currency: 'SEK' }, status: o.status ?? 'COMPLETED', source_type: 'CARD', card_details: { card: { last_4: '4242' } }, location_id: o.locationId, version: 1 };
}

export function squareApiRefund(o: { paymentId: string; amount: number; locationId: string; status?: string; id?: string }) {
  const now = new Date(Date.now() - 60_000).toISOString();
  return { id: o.id ?? `R${randomUUID().replace(/-/g, '').slice(0, 20)}`, payment_id: o.paymentId, amount_money: { amount: o.amount, currency: 'SEK' }, status: o.status ?? 'COMPLETED', location_id: o.locationId, created_at: now, updated_at: now };
}

/** Raw JSON text with an exact 64-bit id, optionally with a successful refund inside. */
export function shopifyApiOrder(o: { id: string; total: string; locationId: string; refund?: { id: string; amount: string } }) {
  const at = new Date(Date.now() - 5 * 60_000).toISOString();
  const refunds = o.refund
    ? `[{"id":${o.refund.id},"order_id":${o.id},"created_at":"${at}","processed_at":"${at}","transactions":[{"id":1,"kind":"refund","status":"success","amount":"${o.refund.amount}","currency":"SEK"}],"refund_line_items":[]}]`
    : '[]';
  return `{"id":${o.id},"admin_graphql_api_id":"gid://shopify/Order/${o.id}","created_at":"${at}","processed_at":"${at}","updated_at":"${at}","currency":"SEK","financial_status":"${o.refund ? 'refunded' : 'paid'}","source_name":"pos","location_id":${o.locationId},"total_price":"${o.total}","line_items":[{"id":1,"quantity":1,"price":"${o.total}"}],"refunds":${refunds}}`;
}

/** A Purchase API v2 purchase (timestamp as an ISO string, UUID in purchaseUUID1). */
export function zettleApiPurchase(o: { uuid?: string; amount: number; refundOf?: string }) {
  const ts = new Date(Date.now() - 5 * 60_000).toISOString().replace('Z', '+0000');
  const p: Record<string, unknown> = { purchaseUUID: 'qwE1rtY2', purchaseUUID1: o.uuid ?? randomUUID(), amount: o.refundOf ? -Math.abs(o.amount) : o.amount, vatAmount: 0, currency: 'SEK', country: 'SE', timestamp: ts, purchaseNumber: 1, products: [{ name: 'Kaffe', quantity: '1', unitPrice: o.amount }], payments: [{ uuid: randomUUID(), amount: o.amount, type: 'IZETTLE_CARD', attributes: { maskedPan: '************1234' } }] };
  if (o.refundOf) Object.assign(p, { refund: true, refundsPurchaseUUID1: o.refundOf });
  return p;
}
