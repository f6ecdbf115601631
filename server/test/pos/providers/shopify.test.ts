import { describe, expect, it } from 'vitest';
import { shopifyAdapter } from '../../../src/pos/providers/shopify.js';
import type { ParseResult } from '../../../src/pos/providers/types.js';
import { connFor, hmac, loadFixture, reqOf } from './helpers.js';

const HEADER = 'x-shopify-hmac-sha256';
const paid = loadFixture('shopify-orders-paid.json');
const conn = connFor('shopify', paid.signingKey);
const parse = (raw: string, headers: Record<string, string | undefined> = paid.headers) =>
  shopifyAdapter.parse(reqOf(raw, headers), conn);
/** Replace text in the raw body (never via JSON.parse, which would round the 64-bit ids). */
const edit = (raw: string, from: string, to: string) => {
  if (!raw.includes(from)) throw new Error(`fixture does not contain ${from}`);
  return raw.replace(from, to);
};
const effectOf = (r: ParseResult) => (r.ok ? r.event.effect : r);

describe('shopify verifySignature', () => {
  const verify = (raw: string, headers: Record<string, string | undefined>, key = paid.signingKey) =>
    shopifyAdapter.verifySignature(reqOf(raw, headers), connFor('shopify', key));

  it('accepts the base64 HMAC of the raw body', () => {
    expect(verify(paid.rawBody, paid.headers)).toBe(true);
    expect(paid.headers[HEADER]).toBe(hmac(paid.signingKey, paid.rawBody, 'base64'));
  });

  it('rejects wrong key, tampered body, whitespace change, missing header, hex encoding', () => {
    expect(verify(paid.rawBody, paid.headers, 'another-secret')).toBe(false);
    expect(verify(edit(paid.rawBody, '"199.65"', '"1.65"'), paid.headers)).toBe(false);
    expect(verify(`${paid.rawBody}\n`, paid.headers)).toBe(false);
    expect(verify(paid.rawBody, { ...paid.headers, [HEADER]: undefined })).toBe(false);
    expect(verify(paid.rawBody, { ...paid.headers, [HEADER]: hmac(paid.signingKey, paid.rawBody, 'hex') })).toBe(false);
  });
});

describe('shopify orders', () => {
  it('parses the documented orders/paid exactly, keeping the 64-bit id', () => {
    const result = parse(paid.rawBody);
    expect(result).toEqual({ ok: true, event: paid.expected });
    // 820982911946154508 is not representable as a double; JSON.parse would give ...500.
    expect(Number('820982911946154508').toString()).not.toBe('820982911946154508');
    expect(result.ok && result.event.effect.kind === 'sale' && result.event.effect.sale.externalId).toBe('820982911946154508');
  });

  it('falls back to admin_graphql_api_id when id is absent', () => {
    const raw = edit(paid.rawBody, '"id": 820982911946154508,', '');
    expect(effectOf(parse(raw))).toMatchObject({ kind: 'sale', sale: { externalId: '820982911946154508' } });
  });

  it('ignores an unpaid orders/create and accepts a paid one', () => {
    const headers = { ...paid.headers, 'x-shopify-topic': 'orders/create' };
    const unpaid = edit(paid.rawBody, '"financial_status": "paid"', '"financial_status": "pending"');
    expect(parse(unpaid, headers)).toMatchObject({ ok: true, event: { eventType: 'orders/create', effect: { kind: 'ignored', reason: 'order not paid' } } });
    expect(effectOf(parse(paid.rawBody, headers))).toMatchObject({ kind: 'sale' });
  });

  it('does not turn an unpaid body into a sale when only the (unsigned) topic says orders/paid', () => {
    const unpaid = edit(paid.rawBody, '"financial_status": "paid"', '"financial_status": "pending"');
    expect(effectOf(parse(unpaid))).toMatchObject({ kind: 'ignored' });
  });

  it('reads card last 4, sums line-item quantities, uses created_at when processed_at is missing', () => {
    let raw = edit(paid.rawBody, '"test": false', '"test": false, "payment_details": { "credit_card_number": "•••• •••• •••• 4242" }');
    raw = edit(raw, '"quantity": 1,', '"quantity": 3,');
    raw = edit(raw, '"line_items": [', '"line_items": [{ "id": 1, "quantity": 2 },');
    raw = edit(raw, '"processed_at": "2025-04-22T14:29:55-05:00",', '"processed_at": null,');
    raw = edit(raw, '"created_at": "2025-04-22T14:29:55-05:00"', '"created_at": "2025-04-22T14:29:50-05:00"');
    expect(effectOf(parse(raw))).toMatchObject({
      kind: 'sale',
      sale: { cardLast4: '4242', lineItemCount: 5, occurredAt: '2025-04-22T19:29:50.000Z' },
    });
  });

  it('uses the currency exponent (JPY has no minor unit)', () => {
    const raw = edit(edit(paid.rawBody, '"currency": "USD"', '"currency": "JPY"'), '"total_price": "199.65"', '"total_price": "1999"');
    expect(effectOf(parse(raw))).toMatchObject({ kind: 'sale', sale: { amountMinor: 1999, currency: 'JPY' } });
  });

  it.each([
    ['float-looking exponent price', '"total_price": "199.65"', '"total_price": "1.9965e2"'],
    ['three-decimal price', '"total_price": "199.65"', '"total_price": "199.655"'],
    ['bad currency', '"currency": "USD"', '"currency": "US"'],
    ['unsafe location id', '"location_id": 655441491', '"location_id": 6.5e8'],
    ['no timestamps', '"processed_at": "2025-04-22T14:29:55-05:00"', '"processed_at": "soon"'],
  ])('rejects an order with %s', (_label, from, to) => {
    expect(parse(edit(paid.rawBody, from, to)).ok).toBe(false);
  });

  it('takes identity from headers and requires them', () => {
    const result = parse(paid.rawBody, { ...paid.headers, 'x-shopify-event-id': undefined });
    expect(result.ok && result.event.eventId).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
    for (const name of ['x-shopify-topic', 'x-shopify-shop-domain']) {
      expect(parse(paid.rawBody, { ...paid.headers, [name]: undefined }).ok).toBe(false);
    }
    expect(parse(paid.rawBody, { ...paid.headers, 'x-shopify-event-id': undefined, 'x-shopify-webhook-id': ' ' }).ok).toBe(false);
  });

  it('ignores other topics and rejects non-object bodies', () => {
    expect(effectOf(parse(paid.rawBody, { ...paid.headers, 'x-shopify-topic': 'orders/updated' }))).toEqual({
      kind: 'ignored',
      reason: 'unhandled topic orders/updated',
    });
    expect(parse('[1,2]').ok).toBe(false);
    expect(parse('{"id": 1').ok).toBe(false);
  });
});

describe('shopify refunds/create', () => {
  const fx = loadFixture('shopify-refunds-create.json');
  const parseRefund = (raw: string) => shopifyAdapter.parse(reqOf(raw, fx.headers), connFor('shopify', fx.signingKey));

  it('verifies and sums only successful refund transactions', () => {
    expect(shopifyAdapter.verifySignature(reqOf(fx.rawBody, fx.headers), connFor('shopify', fx.signingKey))).toBe(true);
    expect(parseRefund(fx.rawBody)).toEqual({ ok: true, event: fx.expected });
  });

  it('is pending (with the pending amount) when no transaction succeeded, failed when all failed', () => {
    const pending = fx.rawBody.replaceAll('"status": "success"', '"status": "pending"');
    expect(effectOf(parseRefund(pending))).toMatchObject({ kind: 'refund', refund: { status: 'pending', amountMinor: 19965 } });
    const failed = fx.rawBody.replaceAll('"status": "success"', '"status": "failure"');
    expect(effectOf(parseRefund(failed))).toMatchObject({ kind: 'refund', refund: { status: 'failed', amountMinor: 29930 } });
  });

  it('falls back to refund_line_items subtotals when there are no refund transactions', () => {
    const noTx = fx.rawBody.replaceAll('"kind": "refund"', '"kind": "sale"');
    expect(effectOf(parseRefund(noTx))).toMatchObject({
      kind: 'refund',
      refund: { status: 'pending', amountMinor: 19965, currency: 'USD', externalPaymentId: '820982911946154508' },
    });
  });

  it('rejects mixed currencies and ignores a refund with nothing to refund', () => {
    // Both successful transactions are summed, so they must agree on currency; the failed one doesn't count.
    expect(parseRefund(edit(fx.rawBody, '"amount": "100.00", "currency": "USD"', '"amount": "100.00", "currency": "EUR"')).ok).toBe(false);
    const failedInEur = edit(fx.rawBody, '"amount": "99.65", "currency": "USD"', '"amount": "99.65", "currency": "EUR"');
    expect(effectOf(parseRefund(failedInEur))).toMatchObject({ kind: 'refund', refund: { amountMinor: 19965, currency: 'USD' } });
    const empty = edit(fx.rawBody.replaceAll('"kind": "refund"', '"kind": "sale"'), '"subtotal": "199.65"', '"subtotal": "0.00"');
    expect(effectOf(parseRefund(empty))).toEqual({ kind: 'ignored', reason: 'refund has no amount' });
  });
});
