import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { shopifyOrder, squarePayment, zettlePurchase } from '../helpers/pos-payloads.js';
import { connect, countRows, drain, rawPost, PROVIDERS, type Provider } from '../helpers/webhook-helpers.js';

const RUNS_PER_PROVIDER = 150;
const ALLOWED = [200, 400, 401, 403, 404, 413, 415, 429];
const SIG_HEADER: Record<Provider, string> = { square: 'x-square-hmacsha256-signature', shopify: 'x-shopify-hmac-sha256', zettle: 'x-izettle-signature' };
const REAL_HEADERS = [
  ...Object.values(SIG_HEADER),
  'x-square-signature', 'square-environment', 'square-retry-number', 'square-initial-delivery-timestamp',
  'x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-event-id', 'x-shopify-webhook-id', 'x-shopify-api-version', 'x-shopify-triggered-at',
  'content-type', 'content-encoding', 'x-request-id', 'authorization', 'accept', 'user-agent',
];
const CONTENT_TYPES = [null, 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/json; charset=utf-16', 'text/xml', ';;;', 'application/', '*/*', ''];
const ENCODINGS = [null, 'gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, br'];
const SHOPIFY_TOPICS = ['orders/paid', 'orders/create', 'refunds/create', 'orders/updated', 'products/update', ''];

const hmac = (key: string, msg: string | Buffer, enc: 'base64' | 'hex') => createHmac('sha256', key).update(msg).digest(enc);
const stripslashes = (t: string) => t.replace(/\\([\s\S]?)/g, (_m, n: string) => (n === '0' ? '\0' : n));
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const isoish = fc.oneof(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.constant('2021-04-19T13:09:40.798+0000'));
const idish = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constant(''));
const amountish = fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.constantFrom(0, 2_147_483_647, 2_147_483_648, Number.MAX_SAFE_INTEGER), fc.double(), fc.string({ maxLength: 8 }), fc.constant(null));

/** Random JSON shaped like each provider's payload (so signed ones reach deep into the parsers). */
function structured(provider: Provider, c: ConnectionSetup): fc.Arbitrary<{ body: string; headers: Record<string, string> }> {
  if (provider === 'square') {
    const money = fc.oneof(fc.record({ amount: amountish, currency: fc.oneof(fc.constantFrom('SEK', 'usd', 'XX'), fc.string({ maxLength: 4 })) }), fc.jsonValue());
    const obj = fc.record(
      { id: idish, payment_id: idish, status: fc.constantFrom('COMPLETED', 'APPROVED', 'PENDING', 'FAILED', 'REJECTED', 'x'), created_at: isoish, location_id: fc.option(fc.oneof(fc.constant(c.externalLocationId), fc.string())), total_money: money, amount_money: money, card_details: fc.jsonValue() },
      { requiredKeys: [] },
    );
    return fc
      .record({ merchant_id: fc.oneof(fc.constant(c.merchantId), fc.string()), type: fc.constantFrom('payment.created', 'payment.updated', 'refund.created', 'refund.updated', 'order.created', ''), event_id: idish, created_at: isoish, data: fc.record({ type: fc.string(), id: fc.string(), object: fc.record({ payment: obj, refund: obj }, { requiredKeys: [] }) }, { requiredKeys: [] }) }, { requiredKeys: [] })
      .map((v) => ({ body: JSON.stringify(v), headers: {} }));
  }
  if (provider === 'shopify') {
    const decimal = fc.oneof(fc.tuple(fc.nat(99_999_999_999), fc.nat(99)).map(([a, b]) => `${a}.${String(b).padStart(2, '0')}`), fc.string({ maxLength: 8 }), fc.constantFrom('-1.00', '1e3', '0.001', '21474836.48'));
    const order = fc.record(
      { total_price: decimal, currency: fc.constantFrom('SEK', 'JPY', 'KWD', 'sek', 'X'), financial_status: fc.constantFrom('paid', 'pending', 'refunded', null), processed_at: isoish, order_id: fc.constant('__BIG__'), transactions: fc.array(fc.record({ kind: fc.constantFrom('refund', 'sale'), status: fc.constantFrom('success', 'pending', 'failure'), amount: decimal, currency: fc.constantFrom('SEK', 'EUR') }), { maxLength: 3 }), line_items: fc.array(fc.record({ quantity: fc.oneof(fc.nat(5), fc.constant(-1)) }), { maxLength: 3 }) },
      { requiredKeys: [] },
    );
    return fc
      .tuple(order, fc.bigInt({ min: 0n, max: 2n ** 64n }), fc.option(fc.constant(c.externalLocationId)), fc.constantFrom(...SHOPIFY_TOPICS), fc.oneof(fc.constant(c.merchantId), fc.string()))
      .map(([o, big, loc, topic, shop]) => ({
        // Raw number text keeps 64-bit ids exact, as Shopify sends them.
        body: JSON.stringify({ id: '__BIG__', location_id: loc === null ? null : '__LOC__', ...o }).replace(/"__BIG__"/g, String(big)).replace('"__LOC__"', String(loc)),
        headers: { 'x-shopify-topic': topic, 'x-shopify-shop-domain': shop, 'x-shopify-event-id': randomUUID() },
      }));
  }
  const purchase = fc.record(
    { purchaseUuid: idish, organizationUuid: fc.oneof(fc.constant(c.merchantId), fc.uuid()), amount: amountish, currency: fc.constantFrom('SEK', 'GBP', 'x'), created: isoish, timestamp: fc.oneof(fc.nat(), fc.double()), refund: fc.boolean(), refundsPurchaseUUID1: idish, payments: fc.array(fc.record({ attributes: fc.record({ maskedPan: fc.string() }) }), { maxLength: 2 }) },
    { requiredKeys: [] },
  );
  return fc
    .record({ organizationUuid: fc.oneof(fc.constant(c.merchantId), fc.uuid()), messageUuid: fc.uuid(), eventName: fc.constantFrom('PurchaseCreated', 'ProductCreated', 'TestMessage', ''), messageId: idish, payload: fc.oneof(purchase.map((x) => JSON.stringify(x)), fc.string(), fc.jsonValue()), timestamp: isoish }, { requiredKeys: [] })
    .map((v) => ({ body: JSON.stringify(v), headers: {} }));
}

/** What the provider would sign for this body, if it can be signed at all (independent of the server). */
function expectedSignatures(provider: Provider, c: ConnectionSetup, body: Buffer): string[] {
  if (provider === 'square') {
    const mac = createHmac('sha256', c.signingKey).update(Buffer.concat([Buffer.from(c.webhookUrl), body]));
    const bytes = mac.digest();
    return [bytes.toString('base64'), bytes.toString('hex')];
  }
  if (provider === 'shopify') return [hmac(c.signingKey, body, 'base64')];
  let env: unknown;
  try {
    env = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return [];
  const { timestamp, payload } = env as Record<string, unknown>;
  if (typeof timestamp !== 'string' || typeof payload !== 'string') return [];
  const signed = `${timestamp}.${payload}`;
  return [hmac(c.signingKey, signed, 'hex'), hmac(c.signingKey, stripslashes(signed), 'hex')];
}

function isZettleTestMessage(body: Buffer): boolean {
  try {
    const v = JSON.parse(body.toString('utf8'));
    return typeof v === 'object' && v !== null && v.eventName === 'TestMessage';
  } catch {
    return false;
  }
}

type SigMode = 'none' | 'correct' | 'random' | 'empty' | 'duplicateCorrect' | 'duplicateMixed' | 'otherKey' | 'ofUnmutated';

describe.skipIf(backendUnavailable)('webhook fuzzing', () => {
  let p: TestPlatform;
  const conns = {} as Record<Provider, ConnectionSetup>;
  const other = {} as Record<Provider, ConnectionSetup>;
  const stats = { accepted: 0, statuses: new Map<number, number>() };

  beforeAll(async () => {
    p = await startTestPlatform();
    for (const provider of PROVIDERS) {
      conns[provider] = await connect(p, provider);
      other[provider] = await connect(p, provider);
    }
  });
  afterAll(async () => p?.stop());

  it.each(PROVIDERS)('%s: never a 500, and rows are only written for validly signed requests', async (provider) => {
    const c = conns[provider];
    const validSale = () => (provider === 'square' ? squarePayment(c) : provider === 'shopify' ? shopifyOrder(c) : zettlePurchase(c));
    const bodyArb = fc.oneof(
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((b) => ({ kind: 'bytes' as const, body: Buffer.from(b), headers: {} as Record<string, string> })) },
      { weight: 2, arbitrary: fc.jsonValue().map((v) => ({ kind: 'json' as const, body: Buffer.from(JSON.stringify(v) ?? 'null'), headers: {} as Record<string, string> })) },
      { weight: 3, arbitrary: structured(provider, c).map((s) => ({ kind: 'structured' as const, body: Buffer.from(s.body), headers: s.headers })) },
      { weight: 4, arbitrary: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { nil: null, freq: 1 }).map((mutation) => ({ kind: 'valid' as const, mutation, body: Buffer.alloc(0), headers: {} as Record<string, string> })) },
    );
    const requestArb = fc.record({
      body: bodyArb,
      sig: fc.constantFrom<SigMode>('none', 'correct', 'correct', 'correct', 'correct', 'correct', 'random', 'empty', 'duplicateCorrect', 'duplicateMixed', 'otherKey', 'ofUnmutated'),
      randomSig: fc.oneof(printable, fc.base64String({ maxLength: 64 })),
      keepBaseHeaders: fc.boolean(),
      extra: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...REAL_HEADERS), fc.stringMatching(/^x-[a-z0-9-]{1,12}$/)), fc.oneof(printable, fc.base64String({ maxLength: 44 }))), { maxLength: 5 }),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      encoding: fc.constantFrom(...ENCODINGS),
    });

    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        // Build the body (a fresh valid sale each time, so accepted ones are never duplicates).
        let body = r.body.body;
        let baseHeaders: Record<string, string> = r.body.headers;
        let unmutated = body;
        if (r.body.kind === 'valid') {
          const wh = validSale();
          unmutated = Buffer.from(wh.body);
          body = Buffer.from(wh.body);
          if (r.body.mutation) body[r.body.mutation[0] % body.length] = r.body.mutation[1];
          baseHeaders = Object.fromEntries(Object.entries(wh.headers).filter(([k]) => k !== SIG_HEADER[provider]));
        }
        const [correct] = expectedSignatures(provider, c, body);
        const sigValues: Record<SigMode, string[]> = {
          none: [],
          correct: correct ? [correct] : [r.randomSig],
          random: [r.randomSig],
          empty: [''],
          duplicateCorrect: correct ? [correct, correct] : [r.randomSig, r.randomSig],
          duplicateMixed: [r.randomSig, correct ?? r.randomSig],
          otherKey: expectedSignatures(provider, other[provider], body).slice(0, 1),
          ofUnmutated: expectedSignatures(provider, c, unmutated).slice(0, 1),
        };
        const headers = new Map<string, string[]>();
        const add = (k: string, v: string) => headers.set(k.toLowerCase(), [...(headers.get(k.toLowerCase()) ?? []), v]);
        if (r.keepBaseHeaders) for (const [k, v] of Object.entries(baseHeaders)) if (k !== 'content-type') add(k, v);
        if (r.contentType !== null) add('content-type', r.contentType);
        if (r.encoding !== null) add('content-encoding', r.encoding);
        for (const v of sigValues[r.sig]) add(SIG_HEADER[provider], v);
        for (const [k, v] of r.extra) add(k, v);

        // Independent validity: node joins repeated headers with ", "; the signature must match exactly.
        const sent = headers.get(SIG_HEADER[provider]);
        const effective = sent?.join(', ').trim().toLowerCase();
        const valid = effective !== undefined && expectedSignatures(provider, c, body).some((s) => s.toLowerCase() === effective);
        const testMessage = provider === 'zettle' && isZettleTestMessage(body);

        // Transactions are left out: the worker creates them asynchronously from earlier requests.
        const synchronous = async () => {
          const { transactions: _async, ...rest } = await countRows(p, c.connectionId);
          return rest;
        };
        const before = await synchronous();
        const res = await rawPost(p.baseUrl, `/webhooks/${provider}/${c.connectionId}`, body, Object.fromEntries(headers));
        const after = await synchronous();
        stats.statuses.set(res.status, (stats.statuses.get(res.status) ?? 0) + 1);
        const ctx = `${res.status} ${res.text.slice(0, 300)} valid=${valid}`;

        expect(ALLOWED, ctx).toContain(res.status);
        if (!valid) {
          expect(after, ctx).toEqual(before);
          if (!testMessage) expect(res.status, ctx).not.toBe(200);
        }
        if (res.status === 200) {
          const json = JSON.parse(res.text);
          if (json.test) expect(after, ctx).toEqual(before);
          else if (!json.duplicate) {
            stats.accepted++;
            expect(after, ctx).toEqual({ ...before, webhook_events: before.webhook_events + 1, jobs: before.jobs + 1 });
          }
        } else if (res.status === 400 && JSON.parse(res.text).error?.code === 'invalid_payload') {
          expect(after, ctx).toEqual({ ...before, webhook_dead_letters: before.webhook_dead_letters + 1 });
        } else {
          expect(after, ctx).toEqual(before);
        }
      }),
      { numRuns: RUNS_PER_PROVIDER },
    );

    // Everything that was accepted applies cleanly: no job failed, nothing is left waiting.
    await drain(p);
    const failed = await p.ctx.db.kysely.selectFrom('jobs').select(['status', 'last_error']).where('type', '=', 'pos.apply_event').where((eb) => eb.or([eb('status', '!=', 'done'), eb('last_error', 'is not', null)])).execute();
    expect(failed).toEqual([]);
    const stuck = await p.ctx.db.kysely.selectFrom('webhook_events').select(['event_type', 'status']).where('status', '=', 'received').execute();
    expect(stuck).toEqual([]);
  }, 180_000);

  it('the generators reach the interesting paths (accepted, rejected and dead-lettered requests)', () => {
    // Guards against a fuzz run that silently only ever produced 401s.
    expect(stats.accepted, JSON.stringify([...stats.statuses])).toBeGreaterThan(20);
    for (const status of [200, 400, 401]) expect(stats.statuses.get(status) ?? 0, `status ${status}: ${JSON.stringify([...stats.statuses])}`).toBeGreaterThan(5);
  });
});
