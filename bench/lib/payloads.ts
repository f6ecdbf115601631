/**
 * Signed POS webhooks as the providers send them (adapted from server/test/helpers/pos-payloads.ts):
 * Square signs URL + body (base64 HMAC-SHA256), Shopify the body, Zettle "timestamp.payload" (hex).
 * Every call makes a new sale with fresh event and payment ids, so nothing is deduplicated.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { SeededConnection } from './seed.js';
import { swedishAmountMinor, type Rng } from './swedish.js';

export interface SignedWebhook {
  path: string;
  body: string;
  headers: Record<string, string>;
}

const hmac = (key: string, msg: string, enc: 'base64' | 'hex') => createHmac('sha256', key).update(msg, 'utf8').digest(enc);
const kronor = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

export function squarePayment(c: SeededConnection, amount: number, at: Date): SignedWebhook {
  const paymentId = randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase();
  const createdAt = at.toISOString();
  const body = JSON.stringify({
    merchant_id: c.merchantId,
    type: 'payment.updated',
    event_id: randomUUID(),
    created_at: createdAt,
    data: {
      type: 'payment',
      id: paymentId,
      object: {
        payment: {
          id: paymentId,
          created_at: createdAt,
          updated_at: createdAt,
          amount_money: { amount, currency: 'SEK' },
          total_money: { amount, currency: 'SEK' },
          status: 'COMPLETED',
          source_type: 'CARD',
          card_details: { card: { last_4: String(Math.floor(Math.random() * 10_000)).padStart(4, '0') } },
          location_id: c.externalLocationId,
          version: 1,
        },
      },
    },
  });
  return { path: `/webhooks/square/${c.id}`, body, headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': hmac(c.signingKey, c.webhookUrl + body, 'base64') } };
}

let shopifyOrderSeq = 0;

/** Built as text so the 64-bit order id stays exact, as Shopify sends it. */
export function shopifyOrder(c: SeededConnection, amount: number, at: Date): SignedWebhook {
  const orderId = `8209829119${String(process.pid % 1000).padStart(3, '0')}${String(shopifyOrderSeq++).padStart(6, '0')}`;
  const total = kronor(amount);
  const now = at.toISOString();
  const body = `{"id":${orderId},"admin_graphql_api_id":"gid://shopify/Order/${orderId}","name":"#${1000 + shopifyOrderSeq}","created_at":"${now}","processed_at":"${now}","currency":"SEK","financial_status":"paid","source_name":"pos","location_id":${c.externalLocationId},"total_price":"${total}","line_items":[{"id":866550311766439020,"quantity":1,"price":"${total}"}],"test":false}`;
  return {
    path: `/webhooks/shopify/${c.id}`,
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/paid',
      'x-shopify-shop-domain': c.merchantId,
      'x-shopify-api-version': '2025-07',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': now,
      'x-shopify-hmac-sha256': hmac(c.signingKey, body, 'base64'),
    },
  };
}

export function zettlePurchase(c: SeededConnection, amount: number, at: Date): SignedWebhook {
  const payload = JSON.stringify({
    purchaseUuid: randomUUID(),
    source: 'POS',
    currency: 'SEK',
    country: 'SE',
    amount,
    vatAmount: Math.round(amount * 0.2),
    timestamp: at.getTime(),
    created: at.toISOString().replace('Z', '+0000'),
    purchaseNumber: Math.floor(Math.random() * 100_000),
    organizationUuid: c.merchantId,
    products: [{ productUuid: randomUUID(), name: 'Kaffe', unitPrice: amount, quantity: '1', vatPercentage: 12.0, type: 'PRODUCT' }],
    payments: [{ uuid: randomUUID(), amount, type: 'IZETTLE_CARD', attributes: { maskedPan: '************1234' } }],
  });
  const envelope = { organizationUuid: c.merchantId, messageUuid: randomUUID(), eventName: 'PurchaseCreated', messageId: randomUUID(), payload, timestamp: at.toISOString() };
  return { path: `/webhooks/zettle/${c.id}`, body: JSON.stringify(envelope), headers: { 'content-type': 'application/json', 'x-izettle-signature': hmac(c.signingKey, `${envelope.timestamp}.${envelope.payload}`, 'hex') } };
}

const BUILDERS = { square: squarePayment, shopify: shopifyOrder, zettle: zettlePurchase };

/** A fresh signed sale for a connection of any provider, with a realistic Swedish amount. */
export function signedSale(c: SeededConnection, rng: Rng, at = new Date()): SignedWebhook {
  return BUILDERS[c.provider](c, swedishAmountMinor(rng), at);
}
