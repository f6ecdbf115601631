import { describe, expect, it } from 'vitest';
import { isZettleTestMessage, stripslashes, zettleAdapter } from '../../../src/pos/providers/zettle.js';
import type { ParseResult } from '../../../src/pos/providers/types.js';
import { connFor, hmac, loadFixture, reqOf } from './helpers.js';

const HEADER = 'x-izettle-signature';
const fx = loadFixture('zettle-purchase-created.json');
const conn = connFor('zettle', fx.signingKey);
const envelope = JSON.parse(fx.rawBody) as Record<string, unknown> & { payload: string; timestamp: string };
const purchase = JSON.parse(envelope.payload) as Record<string, unknown>;

const verify = (raw: string, headers: Record<string, string | undefined> = fx.headers, key = fx.signingKey) =>
  zettleAdapter.verifySignature(reqOf(raw, headers), connFor('zettle', key));
const parse = (raw: string) => zettleAdapter.parse(reqOf(raw, {}), conn);
/** Envelope with a modified purchase payload (parse doesn't look at the signature). */
const withPurchase = (patch: Record<string, unknown>) =>
  JSON.stringify({ ...envelope, payload: JSON.stringify({ ...purchase, ...patch }) });
const effectOf = (r: ParseResult) => (r.ok ? r.event.effect : r);

describe('zettle verifySignature', () => {
  it('matches the self-computed vector from the reference (d58004be…b86a)', () => {
    expect(fx.headers[HEADER]).toBe('d58004be6c70abc6848e5bef7efe742d733b20639a98816967f6dba5c912b86a');
    expect(verify(fx.rawBody)).toBe(true);
  });

  it('signs the decoded payload, so re-serialising the envelope keeps it valid', () => {
    expect(verify(JSON.stringify(envelope))).toBe(true);
  });

  it('rejects wrong key, tampered payload or timestamp, missing header, base64 header', () => {
    expect(verify(fx.rawBody, fx.headers, `${fx.signingKey}x`)).toBe(false);
    expect(verify(withPurchase({ amount: 35301 }))).toBe(false);
    expect(verify(JSON.stringify({ ...envelope, timestamp: '2021-04-19T13:09:40.813Z' }))).toBe(false);
    expect(verify(fx.rawBody, {})).toBe(false);
    const base64 = Buffer.from(fx.headers[HEADER] ?? '', 'hex').toString('base64');
    expect(verify(fx.rawBody, { [HEADER]: base64 })).toBe(false);
  });

  it('returns false when the body is not JSON or timestamp/payload are not strings', () => {
    expect(verify('not json')).toBe(false);
    expect(verify(JSON.stringify({ ...envelope, timestamp: 1618837780812 }))).toBe(false);
    expect(verify(JSON.stringify({ ...envelope, payload: purchase }))).toBe(false);
    expect(verify('"a string"')).toBe(false);
  });

  it('leaves the unsigned envelope fields (messageId, eventName) out of the MAC, as Zettle does', () => {
    expect(verify(JSON.stringify({ ...envelope, messageId: 'another-id' }))).toBe(true);
  });

  describe('PHP stripslashes fallback', () => {
    const ts = '2021-04-19T13:09:40.812Z';
    const payload = JSON.stringify({ ...purchase, userDisplayName: 'Seán "the cashier"\nO\\Brien' });
    const body = JSON.stringify({ ...envelope, timestamp: ts, payload });

    it('accepts both the Python/Java form and the PHP form when the payload has backslashes', () => {
      expect(payload).toContain('\\');
      expect(verify(body, { [HEADER]: hmac(fx.signingKey, `${ts}.${payload}`, 'hex') })).toBe(true);
      expect(verify(body, { [HEADER]: hmac(fx.signingKey, stripslashes(`${ts}.${payload}`), 'hex') })).toBe(true);
      expect(verify(body, { [HEADER]: hmac(fx.signingKey, `${ts}.${payload.replaceAll('\\', '')}x`, 'hex') })).toBe(false);
    });

    it('implements stripslashes like PHP', () => {
      expect(stripslashes('a\\"b\\\\c\\0d\\')).toBe('a"b\\c\0d');
      expect(stripslashes('plain')).toBe('plain');
    });

    it('a replay that slips a backslash into the purchase id verifies but cannot parse', () => {
      const forged = envelope.payload.replace('"7cdf4ae2', '"7cd\\f4ae2');
      const body2 = JSON.stringify({ ...envelope, payload: forged });
      expect(verify(body2)).toBe(true); // stripslashes(forged) === original payload
      expect(parse(body2)).toMatchObject({ ok: false });
    });
  });
});

describe('zettle parse', () => {
  it('normalises the documented PurchaseCreated', () => {
    expect(parse(fx.rawBody)).toEqual({ ok: true, event: fx.expected });
  });

  it('parses the refund purchase fixture', () => {
    const refund = loadFixture('zettle-refund-purchase.json');
    expect(verify(refund.rawBody, refund.headers)).toBe(true);
    expect(parse(refund.rawBody)).toEqual({ ok: true, event: refund.expected });
  });

  it('treats a negative amount with a refund reference as a refund even without refund:true', () => {
    const ref = '7cdf4ae2-a110-11eb-a7f9-24cfef8c2970';
    expect(effectOf(parse(withPurchase({ amount: -500, refundsPurchaseUuid: ref })))).toMatchObject({
      kind: 'refund',
      refund: { amountMinor: 500, externalPaymentId: ref, status: 'completed' },
    });
  });

  it.each([
    ['refund without reference', { refund: true, amount: -500 }],
    ['negative sale', { amount: -500 }],
    ['fractional amount', { amount: 353.5 }],
    ['amount as string', { amount: '35300' }],
    ['no purchase id', { purchaseUuid: undefined }],
    ['non-uuid purchase id', { purchaseUuid: 'abc' }],
    ['no usable time', { created: 'yesterday', timestamp: undefined }],
    ['payload for another organization', { organizationUuid: '00000000-0000-0000-0000-000000000000' }],
  ])('rejects %s', (_label, patch) => {
    expect(parse(withPurchase(patch)).ok).toBe(false);
  });

  it('falls back to purchaseUUID1, epoch timestamp, and reads maskedPan', () => {
    const result = parse(
      withPurchase({
        purchaseUuid: undefined,
        purchaseUUID1: '11111111-2222-3333-4444-555555555555',
        created: undefined,
        payments: [{ type: 'IZETTLE_CARD', attributes: { maskedPan: '547420******9876' } }],
      }),
    );
    expect(effectOf(result)).toMatchObject({
      kind: 'sale',
      sale: { externalId: '11111111-2222-3333-4444-555555555555', occurredAt: '2021-04-19T13:09:40.798Z', cardLast4: '9876' },
    });
  });

  it('ignores other events and rejects a PurchaseCreated whose payload is not a string', () => {
    const other = JSON.stringify({ ...envelope, eventName: 'ProductUpdated' });
    expect(effectOf(parse(other))).toEqual({ kind: 'ignored', reason: 'unhandled event ProductUpdated' });
    expect(parse(JSON.stringify({ ...envelope, payload: purchase })).ok).toBe(false);
    expect(parse(JSON.stringify({ ...envelope, messageId: '' })).ok).toBe(false);
  });
});

describe('isZettleTestMessage', () => {
  it('recognises the subscription test message only', () => {
    const test = { organizationUuid: envelope.organizationUuid, eventName: 'TestMessage', messageId: 'x', payload: { data: 'payload' } };
    expect(isZettleTestMessage(Buffer.from(JSON.stringify(test)))).toBe(true);
    expect(isZettleTestMessage(Buffer.from(fx.rawBody))).toBe(false);
    expect(isZettleTestMessage(Buffer.from('TestMessage'))).toBe(false);
    expect(isZettleTestMessage(Buffer.from('null'))).toBe(false);
  });
});
