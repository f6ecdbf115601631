import { describe, expect, it } from 'vitest';
import { squareAdapter } from '../../../src/pos/providers/square.js';
import { connFor, hmac, loadFixture, reqOf } from './helpers.js';

const HEADER = 'x-square-hmacsha256-signature';

interface SquareVector {
  webhookUrl: string;
  signingKey: string;
  rawBody: string;
  signatureBase64: string;
  signatureHex: string;
}

describe('square verifySignature — official SDK vector', () => {
  const v = loadFixture<SquareVector>('square-official-vector.json');
  const conn = connFor('square', v.signingKey, v.webhookUrl);
  const verify = (body: string, headers: Record<string, string | undefined>, c = conn) =>
    squareAdapter.verifySignature(reqOf(body, headers), c);

  it('accepts the base64 signature Square sends', () => {
    expect(verify(v.rawBody, { [HEADER]: v.signatureBase64 })).toBe(true);
  });

  it('accepts the hex form used by square-go-sdk', () => {
    expect(verify(v.rawBody, { [HEADER]: v.signatureHex })).toBe(true);
  });

  it('rejects a wrong key, a different URL, a tampered body and a missing header', () => {
    expect(verify(v.rawBody, { [HEADER]: v.signatureBase64 }, { ...conn, signingKey: 'Ibxx_5AKakO-3qeNVR61Dx' })).toBe(false);
    expect(verify(v.rawBody, { [HEADER]: v.signatureBase64 }, { ...conn, webhookUrl: `${v.webhookUrl}/` })).toBe(false);
    expect(verify(v.rawBody.replace('MLEFBHHSJGVHD', 'MLEFBHHSJGVHE'), { [HEADER]: v.signatureBase64 })).toBe(false);
    expect(verify(`${v.rawBody} `, { [HEADER]: v.signatureBase64 })).toBe(false);
    expect(verify(v.rawBody, {})).toBe(false);
    expect(verify(v.rawBody, { 'x-square-signature': v.signatureBase64 })).toBe(false);
  });

  it('rejects an empty signing key even with a matching MAC', () => {
    const body = v.rawBody;
    const sig = hmac('', v.webhookUrl + body, 'base64');
    expect(verify(body, { [HEADER]: sig }, { ...conn, signingKey: '' })).toBe(false);
  });

  it('parses the test notification as an ignored event', () => {
    const result = squareAdapter.parse(reqOf(v.rawBody, {}), conn);
    expect(result).toEqual({
      ok: true,
      event: {
        eventId: 'ac3ac95b-f97d-458c-a6e6-18981597e05f',
        eventType: 'webhooks.test_notification',
        merchantId: 'MLEFBHHSJGVHD',
        locationId: null,
        effect: { kind: 'ignored', reason: 'unhandled event type webhooks.test_notification' },
      },
    });
  });
});

describe('square payments', () => {
  const fx = loadFixture('square-payment-updated.json');
  const conn = connFor('square', fx.signingKey, fx.webhookUrl);
  const body = JSON.parse(fx.rawBody) as { data: { object: { payment: Record<string, unknown> } } };
  const withPayment = (patch: Record<string, unknown>) =>
    JSON.stringify({ ...body, data: { ...body.data, object: { payment: { ...body.data.object.payment, ...patch } } } });
  const parse = (raw: string) => squareAdapter.parse(reqOf(raw, {}), conn);

  it('verifies and parses the documented payment.updated', () => {
    expect(squareAdapter.verifySignature(reqOf(fx.rawBody, fx.headers), conn)).toBe(true);
    expect(parse(fx.rawBody)).toEqual({ ok: true, event: fx.expected });
  });

  it('ignores a payment that is not COMPLETED', () => {
    const result = parse(withPayment({ status: 'APPROVED' }));
    expect(result.ok && result.event.effect).toEqual({ kind: 'ignored', reason: 'payment status APPROVED' });
  });

  it('prefers total_money, falls back to amount_money, upper-cases currency, reads card last 4', () => {
    const tipped = parse(withPayment({ total_money: { amount: 12550, currency: 'sek' }, card_details: { card: { last_4: '4242' } } }));
    expect(tipped.ok && tipped.event.effect).toMatchObject({
      kind: 'sale',
      sale: { amountMinor: 12550, currency: 'SEK', cardLast4: '4242' },
    });
    const noTotal = parse(withPayment({ total_money: undefined, amount_money: { amount: 99, currency: 'USD' } }));
    expect(noTotal.ok && noTotal.event.effect).toMatchObject({ kind: 'sale', sale: { amountMinor: 99 } });
  });

  it.each([
    ['no money at all', { total_money: undefined, amount_money: undefined }],
    ['fractional amount', { total_money: { amount: 1.5, currency: 'USD' } }],
    ['amount as string', { total_money: { amount: '100', currency: 'USD' } }],
    ['negative amount', { total_money: { amount: -100, currency: 'USD' } }],
    ['bad created_at', { created_at: 'last tuesday' }],
    ['missing id', { id: undefined }],
  ])('rejects a completed payment with %s', (_label, patch) => {
    expect(parse(withPayment(patch)).ok).toBe(false);
  });

  it('rejects payment events without a payment object, and bad envelopes', () => {
    expect(parse(JSON.stringify({ ...body, data: {} })).ok).toBe(false);
    expect(parse(JSON.stringify({ ...body, event_id: 42 })).ok).toBe(false);
    expect(parse('not json').ok).toBe(false);
    expect(parse('[]').ok).toBe(false);
  });
});

describe('square refunds', () => {
  const fx = loadFixture('square-refund-updated.json');
  const conn = connFor('square', fx.signingKey, fx.webhookUrl);
  const body = JSON.parse(fx.rawBody) as { data: { object: { refund: Record<string, unknown> } } };
  const withRefund = (patch: Record<string, unknown>) =>
    JSON.stringify({ ...body, data: { ...body.data, object: { refund: { ...body.data.object.refund, ...patch } } } });
  const parse = (raw: string) => squareAdapter.parse(reqOf(raw, {}), conn);

  it('verifies and parses refund.updated', () => {
    expect(squareAdapter.verifySignature(reqOf(fx.rawBody, fx.headers), conn)).toBe(true);
    expect(parse(fx.rawBody)).toEqual({ ok: true, event: fx.expected });
  });

  it.each([
    ['PENDING', 'pending'],
    ['COMPLETED', 'completed'],
    ['FAILED', 'failed'],
    ['REJECTED', 'failed'],
  ])('maps status %s → %s', (status, expected) => {
    const result = parse(withRefund({ status }));
    expect(result.ok && result.event.effect.kind === 'refund' && result.event.effect.refund.status).toBe(expected);
  });

  it('rejects unknown status and missing payment_id', () => {
    expect(parse(withRefund({ status: 'WHATEVER' })).ok).toBe(false);
    expect(parse(withRefund({ payment_id: undefined })).ok).toBe(false);
  });
});
