import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createLocation, type ConnectionSetup } from '../helpers/fixtures.js';
import { shopifyOrder, signSquare, signZettle, squarePayment, zettlePurchase, type SignedWebhook } from '../helpers/pos-payloads.js';
import { connect, countRows, drain, send, transactionsOf, PROVIDERS, type Provider } from '../helpers/webhook-helpers.js';

/** A valid, signed sale for any provider. */
function saleFor(provider: Provider, c: ConnectionSetup): SignedWebhook {
  if (provider === 'square') return squarePayment(c);
  if (provider === 'shopify') return shopifyOrder(c);
  return zettlePurchase(c);
}

const SIGNATURE_HEADER: Record<Provider, string> = { square: 'x-square-hmacsha256-signature', shopify: 'x-shopify-hmac-sha256', zettle: 'x-izettle-signature' };

/** The same request signed with another key (the body and every other header unchanged). */
function resignedWith(provider: Provider, c: ConnectionSetup, wh: SignedWebhook, key: string): SignedWebhook {
  if (provider === 'square') return { ...wh, headers: { ...wh.headers, ...signSquare(c, wh.body, key).headers } };
  if (provider === 'shopify') return { ...wh, headers: { ...wh.headers, [SIGNATURE_HEADER.shopify]: createHmac('sha256', key).update(wh.body).digest('base64') } };
  return { ...wh, headers: { ...wh.headers, ...signZettle(c, JSON.parse(wh.body), key).headers } };
}

describe.skipIf(backendUnavailable)('webhook signatures', () => {
  let p: TestPlatform;
  const conns = {} as Record<Provider, ConnectionSetup>;
  const others = {} as Record<Provider, ConnectionSetup>;

  beforeAll(async () => {
    p = await startTestPlatform();
    for (const provider of PROVIDERS) {
      conns[provider] = await connect(p, provider);
      others[provider] = await connect(p, provider);
    }
  });
  afterAll(async () => p?.stop());

  /** Sends the request and checks: the given status and error code, and no row written anywhere. */
  async function expectRejected(wh: SignedWebhook, status: number, code: string) {
    await drain(p);
    const before = await countRows(p);
    const res = await send(p, wh);
    expect(res.status, res.text).toBe(status);
    expect(res.body?.error?.code).toBe(code);
    await drain(p);
    expect(await countRows(p)).toEqual(before);
  }

  describe.each(PROVIDERS)('%s', (provider) => {
    it('accepts the correctly signed request (baseline for the rejections below)', async () => {
      const c = conns[provider];
      const before = await countRows(p, c.connectionId);
      const res = await send(p, saleFor(provider, c));
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ received: true, duplicate: false });
      await drain(p);
      const after = await countRows(p, c.connectionId);
      expect(after.webhook_events).toBe(before.webhook_events + 1);
      expect(after.transactions).toBe(before.transactions + 1);
    });

    it('rejects a missing signature header with 401 and stores nothing', async () => {
      const wh = saleFor(provider, conns[provider]);
      const headers = { ...wh.headers };
      delete headers[SIGNATURE_HEADER[provider]];
      await expectRejected({ ...wh, headers }, 401, 'invalid_signature');
    });

    it('rejects an empty signature header with 401', async () => {
      const wh = saleFor(provider, conns[provider]);
      await expectRejected({ ...wh, headers: { ...wh.headers, [SIGNATURE_HEADER[provider]]: '' } }, 401, 'invalid_signature');
    });

    it("rejects another request's valid signature with 401", async () => {
      const c = conns[provider];
      const a = saleFor(provider, c);
      const b = saleFor(provider, c);
      await expectRejected({ ...a, headers: { ...a.headers, [SIGNATURE_HEADER[provider]]: b.headers[SIGNATURE_HEADER[provider]]! } }, 401, 'invalid_signature');
    });

    it('rejects a request signed with the key of another connection with 401', async () => {
      const c = conns[provider];
      await expectRejected(resignedWith(provider, c, saleFor(provider, c), others[provider].signingKey), 401, 'invalid_signature');
    });

    it('rejects a truncated signature with 401', async () => {
      const wh = saleFor(provider, conns[provider]);
      const sig = wh.headers[SIGNATURE_HEADER[provider]]!;
      await expectRejected({ ...wh, headers: { ...wh.headers, [SIGNATURE_HEADER[provider]]: sig.slice(0, -4) } }, 401, 'invalid_signature');
    });

    it('answers 404 for a random connection id', async () => {
      const wh = saleFor(provider, conns[provider]);
      await expectRejected({ ...wh, path: `/webhooks/${provider}/${randomUUID()}` }, 404, 'not_found');
    });

    it('answers 404 for a connection id that is not a uuid', async () => {
      const wh = saleFor(provider, conns[provider]);
      await expectRejected({ ...wh, path: `/webhooks/${provider}/not-a-connection` }, 404, 'not_found');
    });

    it("answers 404 for another provider's connection id under this provider's path", async () => {
      const foreign = PROVIDERS.find((x) => x !== provider)!;
      const wh = saleFor(provider, conns[provider]);
      await expectRejected({ ...wh, path: `/webhooks/${provider}/${conns[foreign].connectionId}` }, 404, 'not_found');
    });
  });

  describe('verification over the raw bytes', () => {
    it('Square: the same JSON re-serialised with other whitespace is 401', async () => {
      const wh = squarePayment(conns.square);
      const pretty = JSON.stringify(JSON.parse(wh.body), null, 2);
      expect(JSON.parse(pretty)).toEqual(JSON.parse(wh.body));
      await expectRejected({ ...wh, body: pretty }, 401, 'invalid_signature');
      await expectRejected({ ...wh, body: `${wh.body}\n` }, 401, 'invalid_signature');
    });

    it('Shopify: the same JSON re-serialised with other whitespace is 401', async () => {
      const wh = shopifyOrder(conns.shopify, { orderId: '820982911946154508' });
      const spaced = wh.body.replace(/":/g, '": ').replace(/,"/g, ', "');
      expect(spaced).not.toBe(wh.body);
      await expectRejected({ ...wh, body: spaced }, 401, 'invalid_signature');
      await expectRejected({ ...wh, body: ` ${wh.body}` }, 401, 'invalid_signature');
    });

    it('Zettle: the signed payload string re-serialised with other whitespace is 401', async () => {
      const wh = zettlePurchase(conns.zettle);
      const envelope = JSON.parse(wh.body);
      const respaced = { ...envelope, payload: JSON.stringify(JSON.parse(envelope.payload), null, 1) };
      await expectRejected({ ...wh, body: JSON.stringify(respaced) }, 401, 'invalid_signature');
      await expectRejected({ ...wh, body: JSON.stringify({ ...envelope, timestamp: new Date(Date.now() + 1000).toISOString() }) }, 401, 'invalid_signature');
    });

    it('Zettle: the signature covers timestamp + "." + payload, so the envelope may be re-serialised', async () => {
      const wh = zettlePurchase(conns.zettle);
      const res = await send(p, { ...wh, body: JSON.stringify(JSON.parse(wh.body), null, 2) });
      expect(res.status, res.text).toBe(200);
      expect(res.body.duplicate).toBe(false);
    });

    it('Square: a signature over a different notification URL is 401', async () => {
      const c = conns.square;
      const wh = squarePayment(c);
      const hmac = (url: string) => createHmac('sha256', c.signingKey).update(url + wh.body).digest('base64');
      const variants = [
        c.webhookUrl.replace('https://', 'http://'),
        `${c.webhookUrl}/`,
        `${c.webhookUrl}?x=1`,
        c.webhookUrl.toUpperCase(),
        others.square.webhookUrl,
        '',
      ];
      for (const url of variants) await expectRejected({ ...wh, headers: { ...wh.headers, 'x-square-hmacsha256-signature': hmac(url) } }, 401, 'invalid_signature');
      // Control: the registered URL itself.
      const ok = await send(p, { ...wh, headers: { ...wh.headers, 'x-square-hmacsha256-signature': hmac(c.webhookUrl) } });
      expect(ok.status, ok.text).toBe(200);
    });

    it('Shopify: the HMAC covers the body only, so other headers may change; a body signed for another shop is 403 not 200', async () => {
      const c = conns.shopify;
      const wh = shopifyOrder(c);
      const res = await send(p, { ...wh, headers: { ...wh.headers, 'x-shopify-triggered-at': new Date(0).toISOString() } });
      expect(res.status, res.text).toBe(200);
      // The shop header is not signed; a valid body from this shop under another shop's domain must not be accepted.
      const other = shopifyOrder(c);
      await expectRejected({ ...other, headers: { ...other.headers, 'x-shopify-shop-domain': others.shopify.merchantId } }, 403, 'merchant_mismatch');
    });
  });

  describe('rotated and disabled connections', () => {
    it('after a signing-key rotation the old key is 401 and the new key 200', async () => {
      const c = await connect(p, 'square');
      expect((await send(p, squarePayment(c))).status).toBe(200);
      const newKey = `rotated-${randomUUID()}`;
      const patch = await p.admin('PATCH', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}`, { signingKey: newKey });
      expect(patch.status, patch.text).toBe(200);
      await expectRejected(squarePayment(c), 401, 'invalid_signature');
      const res = await send(p, squarePayment({ ...c, signingKey: newKey }));
      expect(res.status, res.text).toBe(200);
    });

    it('a disabled connection answers 410 and stores nothing', async () => {
      const c = await connect(p, 'shopify');
      const patch = await p.admin('PATCH', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}`, { status: 'disabled' });
      expect(patch.status, patch.text).toBe(200);
      await expectRejected(shopifyOrder(c), 410, 'connection_disabled');
    });
  });

  it("Zettle: the documentation's example delivery verifies against its published key (golden vector)", async () => {
    const business = { id: conns.zettle.businessId };
    const loc = await createLocation(p, business.id);
    const key = 'zLzClQLQN8yfH8aEjONeXzgJRAHR0zpD7RonFCpizujCUCectBlln0vFArTbLPYa';
    const created = await p.admin('POST', `/admin/businesses/${business.id}/pos-connections`, { provider: 'zettle', locationId: loc.id, externalMerchantId: 'd3f03ffa-4a18-4282-bbfa-efd5f642ffb7', signingKey: key });
    expect(created.status, created.text).toBe(201);
    const payload =
      '{"purchaseUuid":"7cdf4ae2-a110-11eb-a7f9-24cfef8c2970","source":"POS","userUuid":"7a1abbf4-b5e2-4c70-8b21-f4ec5b00c463","currency":"GBP","country":"GB","amount":35300,"vatAmount":3656,"timestamp":1618837780798,"created":"2021-04-19T13:09:40.798+0000","purchaseNumber":12776,"userDisplayName":"John Smith","udid":"692e074e16fb8e99cafbce1c975582c1ce8dbd8f","organizationUuid":"d3f03ffa-4a18-4282-bbfa-efd5f642ffb7","products":[{"id":"0","productUuid":"4a98a670-7c2e-11eb-bb38-e398536ff6aa","variantUuid":"4a98a671-7c2e-11eb-bb38-e398536ff6aa","name":"testproduct","unitPrice":1200,"quantity":"2","vatPercentage":0.0,"type":"PRODUCT"}],"discounts":[],"payments":[{"uuid":"8031c38c-a110-11eb-a6f8-25ceee8d2871","amount":35300,"type":"IZETTLE_CASH","attributes":{"changeAmount":0,"handedAmount":35300}}],"references":{"checkoutUUID":"7cdf4ae2-a110-11eb-a6f8-25ceee8d2871"},"taxationMode":"INCLUSIVE","taxationType":"VAT"}';
    const body = JSON.stringify({ organizationUuid: 'd3f03ffa-4a18-4282-bbfa-efd5f642ffb7', messageUuid: '803f68c0-a110-11eb-a1cd-f7dd79ee0866', eventName: 'PurchaseCreated', messageId: '2895af2a-faba-5f51-a1cd-f7dd79ee0866', payload, timestamp: '2021-04-19T13:09:40.812Z' });
    const res = await p.api('POST', `/webhooks/zettle/${created.body.id}`, body, { 'content-type': 'application/json', 'x-izettle-signature': 'd58004be6c70abc6848e5bef7efe742d733b20639a98816967f6dba5c912b86a' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: false, eventId: '2895af2a-faba-5f51-a1cd-f7dd79ee0866' });
    await drain(p);
    const tx = (await transactionsOf(p, business.id)).filter((t) => t.connectionId === created.body.id);
    expect(tx).toHaveLength(1);
    expect(tx[0]).toMatchObject({ provider: 'zettle', externalId: '7cdf4ae2-a110-11eb-a7f9-24cfef8c2970', amountMinor: 35300, currency: 'GBP', occurredAt: '2021-04-19T13:09:40.798Z', cardLast4: null, lineItemCount: 1, locationId: loc.id });
  });
});
