import { createHmac, randomUUID } from 'node:crypto';
import type { ConnectionSetup } from './fixtures.js';

export interface SignedWebhook {
  path: string;
  body: string;
  headers: Record<string, string>;
}

const hmac = (key: string, msg: string, enc: 'base64' | 'hex') => createHmac('sha256', key).update(msg, 'utf8').digest(enc);
const pathOf = (c: ConnectionSetup, provider: string) => `/webhooks/${provider}/${c.connectionId}`;

export function signSquare(c: ConnectionSetup, body: string, key = c.signingKey): SignedWebhook {
  return { path: pathOf(c, 'square'), body, headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': hmac(key, c.webhookUrl + body, 'base64') } };
}

export function squarePayment(c: ConnectionSetup, o: { amount?: number; eventId?: string; paymentId?: string; status?: string; type?: string; createdAt?: string; locationId?: string; merchantId?: string; last4?: string | null } = {}): SignedWebhook {
  const paymentId = o.paymentId ?? randomUUID().replace(/-/g, '').slice(0, 26);
  const createdAt = o.createdAt ?? new Date().toISOString();
  const body = JSON.stringify({
    merchant_id: o.merchantId ?? c.merchantId,
    type: o.type ?? 'payment.updated',
    event_id: o.eventId ?? randomUUID(),
    created_at: createdAt,
    data: {
      type: 'payment',
      id: paymentId,
      object: {
        payment: {
          id: paymentId,
          created_at: createdAt,
          updated_at: createdAt,
          amount_money: { amount: o.amount ?? 12350, currency: 'SEK' },
          total_money: { amount: o.amount ?? 12350, currency: 'SEK' },
          status: o.status ?? 'COMPLETED',
          // last4 null: a cash payment, for which Square sends no card details.
          ...(o.last4 === null ? { source_type: 'CASH' } : { source_type: 'CARD', card_details: { card: { last_4: o.last4 ?? '4242' } } }),
          location_id: o.locationId ?? c.externalLocationId,
          version: 1,
        },
      },
    },
  });
  return signSquare(c, body);
}

export function squareRefund(c: ConnectionSetup, o: { paymentId: string; amount: number; status?: string; refundId?: string; eventId?: string }): SignedWebhook {
  const refundId = o.refundId ?? `R${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const now = new Date().toISOString();
  const body = JSON.stringify({
    merchant_id: c.merchantId,
    type: o.status === 'COMPLETED' ? 'refund.updated' : 'refund.created',
    event_id: o.eventId ?? randomUUID(),
    created_at: now,
    data: { type: 'refund', id: refundId, object: { refund: { id: refundId, payment_id: o.paymentId, amount_money: { amount: o.amount, currency: 'SEK' }, status: o.status ?? 'PENDING', location_id: c.externalLocationId, created_at: now, updated_at: now } } },
  });
  return signSquare(c, body);
}

export function signShopify(c: ConnectionSetup, body: string, topic: string, eventId: string = randomUUID(), key: string = c.signingKey): SignedWebhook {
  return {
    path: pathOf(c, 'shopify'),
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': c.merchantId,
      'x-shopify-api-version': '2025-07',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': eventId,
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': hmac(key, body, 'base64'),
    },
  };
}

/** Built as text so the 64-bit order id stays exact on the wire, as Shopify sends it. */
export function shopifyOrder(c: ConnectionSetup, o: { orderId?: string; total?: string; topic?: string; financialStatus?: string; eventId?: string; locationId?: string | null } = {}): SignedWebhook {
  const orderId = o.orderId ?? `82098291194${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
  const total = o.total ?? '199.65';
  const location = o.locationId === undefined ? c.externalLocationId : o.locationId;
  const now = new Date().toISOString();
  const body = `{"id":${orderId},"admin_graphql_api_id":"gid://shopify/Order/${orderId}","name":"#1001","created_at":"${now}","processed_at":"${now}","currency":"SEK","financial_status":"${o.financialStatus ?? 'paid'}","source_name":"pos","location_id":${location === null ? 'null' : location},"total_price":"${total}","line_items":[{"id":866550311766439020,"quantity":2,"price":"${total}"}],"test":false}`;
  return signShopify(c, body, o.topic ?? 'orders/paid', o.eventId);
}

export function shopifyRefund(c: ConnectionSetup, o: { orderId: string; amount: string; eventId?: string }): SignedWebhook {
  const now = new Date().toISOString();
  const body = `{"id":${Math.floor(Math.random() * 1e12)},"order_id":${o.orderId},"created_at":"${now}","processed_at":"${now}","transactions":[{"id":1,"kind":"refund","status":"success","amount":"${o.amount}","currency":"SEK"}],"refund_line_items":[]}`;
  return signShopify(c, body, 'refunds/create', o.eventId);
}

export function signZettle(c: ConnectionSetup, envelope: { timestamp: string; payload: string; [k: string]: unknown }, key = c.signingKey): SignedWebhook {
  const body = JSON.stringify(envelope);
  return { path: pathOf(c, 'zettle'), body, headers: { 'content-type': 'application/json', 'x-izettle-signature': hmac(key, `${envelope.timestamp}.${envelope.payload}`, 'hex') } };
}

export function zettlePurchase(c: ConnectionSetup, o: { amount?: number; purchaseUuid?: string; messageId?: string; refundOf?: string; organizationUuid?: string } = {}): SignedWebhook {
  const purchaseUuid = o.purchaseUuid ?? randomUUID();
  const amount = o.amount ?? 35300;
  const now = new Date();
  const payload: Record<string, unknown> = {
    purchaseUuid,
    source: 'POS',
    currency: 'SEK',
    country: 'SE',
    amount: o.refundOf ? -Math.abs(amount) : amount,
    vatAmount: Math.round(amount * 0.2),
    timestamp: now.getTime(),
    created: now.toISOString().replace('Z', '+0000'),
    purchaseNumber: 12776,
    organizationUuid: o.organizationUuid ?? c.merchantId,
    products: [{ productUuid: randomUUID(), name: 'Kaffe', unitPrice: amount, quantity: '1', vatPercentage: 12.0, type: 'PRODUCT' }],
    payments: [{ uuid: randomUUID(), amount, type: 'IZETTLE_CARD', attributes: { maskedPan: '************1234' } }],
  };
  if (o.refundOf) Object.assign(payload, { refund: true, refundsPurchaseUUID1: o.refundOf });
  return signZettle(c, {
    organizationUuid: o.organizationUuid ?? c.merchantId,
    messageUuid: randomUUID(),
    eventName: 'PurchaseCreated',
    messageId: o.messageId ?? randomUUID(),
    payload: JSON.stringify(payload),
    timestamp: now.toISOString(),
  });
}
