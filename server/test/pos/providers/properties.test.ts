import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getAdapter, POS_PROVIDERS } from '../../../src/pos/providers/index.js';
import type { ConnectionContext, ParseResult, PosProvider } from '../../../src/pos/providers/types.js';
import { connFor, loadFixture, reqOf } from './helpers.js';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEADER_NAMES = [
  'x-square-hmacsha256-signature', 'x-shopify-hmac-sha256', 'x-shopify-topic', 'x-shopify-shop-domain',
  'x-shopify-event-id', 'x-shopify-webhook-id', 'x-izettle-signature', 'content-type',
];
const TOPICS = ['orders/paid', 'orders/create', 'refunds/create', 'orders/updated'];

const json = fc.jsonValue({ maxDepth: 3 });
/** Objects using the field names the adapters read, with arbitrary JSON values. */
const shaped = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), json, { maxKeys: keys.length });

const squareBody = fc.record({
  merchant_id: fc.oneof(fc.string(), json),
  type: fc.constantFrom('payment.created', 'payment.updated', 'refund.created', 'refund.updated', 'other'),
  event_id: fc.oneof(fc.uuid(), json),
  data: fc.record({ object: fc.record({
    payment: shaped(['id', 'status', 'created_at', 'location_id', 'total_money', 'amount_money', 'card_details']),
    refund: shaped(['id', 'payment_id', 'status', 'created_at', 'location_id', 'amount_money']),
  }) }),
}).map((o) => JSON.stringify(o));
const shopifyBody = shaped([
  'id', 'admin_graphql_api_id', 'financial_status', 'total_price', 'currency', 'processed_at', 'created_at',
  'location_id', 'line_items', 'order_id', 'transactions', 'refund_line_items', 'payment_details',
]).map((o) => JSON.stringify(o));
const zettleBody = fc.record({
  organizationUuid: fc.oneof(fc.uuid(), json),
  eventName: fc.constantFrom('PurchaseCreated', 'TestMessage', 'ProductUpdated'),
  messageId: fc.oneof(fc.uuid(), json),
  timestamp: fc.oneof(fc.string(), json),
  payload: fc.oneof(
    shaped(['purchaseUuid', 'purchaseUUID1', 'amount', 'currency', 'created', 'timestamp', 'products', 'payments',
      'refund', 'refundsPurchaseUUID1', 'organizationUuid']).map((o) => JSON.stringify(o)),
    json,
  ),
}).map((o) => JSON.stringify(o));

const anyBody = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.string().map((s) => Buffer.from(s)),
  json.map((v) => Buffer.from(JSON.stringify(v) ?? '')),
  squareBody.map((s) => Buffer.from(s)),
  shopifyBody.map((s) => Buffer.from(s)),
  zettleBody.map((s) => Buffer.from(s)),
);
const anyHeaders = fc.dictionary(
  fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.string()),
  fc.option(fc.oneof(fc.string(), fc.constantFrom(...TOPICS), fc.base64String()), { nil: undefined }),
);

/** The contract the route relies on, checked on every successful parse. */
function assertContract(result: ParseResult): void {
  if (!result.ok) {
    expect(typeof result.reason).toBe('string');
    return;
  }
  const { event } = result;
  expect(event.eventId.length).toBeGreaterThan(0);
  expect(event.merchantId.length).toBeGreaterThan(0);
  const { effect } = event;
  if (effect.kind === 'ignored') return;
  const item = effect.kind === 'sale' ? effect.sale : effect.refund;
  expect(Number.isSafeInteger(item.amountMinor) && item.amountMinor >= 0).toBe(true);
  expect(item.currency).toMatch(/^[A-Z]{3}$/);
  expect(item.occurredAt).toMatch(ISO_MS);
}

describe.each(POS_PROVIDERS)('%s adapter never throws', (provider: PosProvider) => {
  const adapter = getAdapter(provider);
  const conn: ConnectionContext = connFor(provider, 'k', 'https://example.test/hook');

  it('on arbitrary bodies and headers, and parse results honour the contract', () => {
    fc.assert(
      fc.property(anyBody, anyHeaders, (rawBody, headers) => {
        const req = { rawBody, headers };
        expect(typeof adapter.verifySignature(req, conn)).toBe('boolean');
        assertContract(adapter.parse(req, conn));
      }),
      { numRuns: 400 },
    );
  });
});

/** Change one byte, insert one, or delete one: the raw body is no longer what was signed. */
const byteMutation = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(length - 1), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(length), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(length - 1) }),
  );
type ByteMutation = { kind: 'flip'; at: number; xor: number } | { kind: 'insert'; at: number; byte: number } | { kind: 'delete'; at: number };

function mutate(raw: Buffer, m: ByteMutation): Buffer {
  if (m.kind === 'delete') return Buffer.concat([raw.subarray(0, m.at), raw.subarray(m.at + 1)]);
  if (m.kind === 'insert') return Buffer.concat([raw.subarray(0, m.at), Buffer.from([m.byte]), raw.subarray(m.at)]);
  const copy = Buffer.from(raw);
  copy[m.at] = (copy[m.at] ?? 0) ^ m.xor;
  return copy;
}

describe.each([
  ['square', 'square-payment-updated.json'],
  ['square', 'square-refund-updated.json'],
  ['shopify', 'shopify-orders-paid.json'],
  ['shopify', 'shopify-refunds-create.json'],
] as const)('%s signature over raw bytes (%s)', (provider, file) => {
  const fx = loadFixture(file);
  const conn = connFor(provider, fx.signingKey, fx.webhookUrl ?? '');
  const raw = Buffer.from(fx.rawBody);

  it('is valid as delivered and invalid after any single-byte mutation', () => {
    expect(getAdapter(provider).verifySignature(reqOf(raw, fx.headers), conn)).toBe(true);
    fc.assert(
      fc.property(byteMutation(raw.length), (m) => {
        expect(getAdapter(provider).verifySignature(reqOf(mutate(raw, m), fx.headers), conn)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('zettle signature over timestamp + "." + payload', () => {
  const fx = loadFixture('zettle-purchase-created.json');
  const conn = connFor('zettle', fx.signingKey);
  const envelope = JSON.parse(fx.rawBody) as { timestamp: string; payload: string };
  // Non-backslash characters only: a slipped-in backslash is exactly what the PHP
  // stripslashes fallback forgives (covered explicitly in zettle.test.ts).
  const char = fc.string({ minLength: 1, maxLength: 1 }).filter((c) => c !== '\\');
  const edit = fc.record({
    field: fc.constantFrom('timestamp' as const, 'payload' as const),
    at: fc.nat(),
    del: fc.integer({ min: 0, max: 1 }),
    insert: fc.option(char, { nil: '' }),
  }).filter((e) => e.del === 1 || e.insert !== '');

  it('is invalid after any edit to either signed field', () => {
    fc.assert(
      fc.property(edit, ({ field, at, del, insert }) => {
        const text = envelope[field];
        const i = at % (text.length + 1);
        const changed = text.slice(0, i) + insert + text.slice(i + del);
        fc.pre(changed !== text);
        const body = JSON.stringify({ ...envelope, [field]: changed });
        expect(getAdapter('zettle').verifySignature(reqOf(body, fx.headers), conn)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

/** Every leaf path of a JSON value, e.g. ['data','object','payment','status']. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  return [prefix, ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
}

function setPath(root: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head = '', ...rest] = path;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string, unknown>;
  copy[head] = setPath(copy[head], rest, replacement);
  return copy;
}

describe.each([
  ['square', 'square-payment-updated.json', false],
  ['square', 'square-refund-updated.json', false],
  ['shopify', 'shopify-orders-paid.json', false],
  ['shopify', 'shopify-refunds-create.json', false],
  ['zettle', 'zettle-purchase-created.json', true],
  ['zettle', 'zettle-refund-purchase.json', true],
] as const)('%s parse on a corrupted %s', (provider, file, payloadIsString) => {
  const fx = loadFixture(file);
  const conn = connFor(provider, fx.signingKey, fx.webhookUrl ?? '');
  const envelope = JSON.parse(fx.rawBody) as Record<string, unknown>;
  // Zettle's purchase lives in a JSON string; corrupt the purchase, not the string.
  const target: unknown = payloadIsString ? JSON.parse(envelope.payload as string) : envelope;
  const paths = leafPaths(target);
  const rebuild = (value: unknown) =>
    JSON.stringify(payloadIsString ? { ...envelope, payload: JSON.stringify(value) } : value);

  it('never throws and keeps the contract when any field holds any JSON value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.oneof(json, fc.constant(undefined)), (path, value) => {
        assertContract(getAdapter(provider).parse(reqOf(rebuild(setPath(target, path, value)), fx.headers), conn));
      }),
      { numRuns: 300 },
    );
  });
});
