import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { shopifyOrder, signSquare, squarePayment, zettlePurchase } from '../helpers/pos-payloads.js';
import { connect, send } from '../helpers/webhook-helpers.js';

/** pos_webhook_events_total samples as "provider/outcome" → value. */
async function webhookCounters(p: TestPlatform): Promise<Record<string, number>> {
  const res = await p.admin('GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(res.text).toContain('# TYPE pos_webhook_events_total counter');
  const out: Record<string, number> = {};
  for (const line of res.text.split('\n')) {
    const m = /^pos_webhook_events_total\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    out[`${labels.provider}/${labels.outcome}`] = Number(m[2]);
  }
  return out;
}

describe.skipIf(backendUnavailable)('webhook metrics', () => {
  let p: TestPlatform;

  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  it('pos_webhook_events_total counts accepted and rejected webhooks by provider and outcome', async () => {
    expect(await webhookCounters(p)).toEqual({});
    const sq = await connect(p, 'square');
    const sh = await connect(p, 'shopify');
    const ze = await connect(p, 'zettle');

    const sale = squarePayment(sq);
    const statuses = [
      (await send(p, sale)).status, // accepted
      (await send(p, squarePayment(sq))).status, // accepted
      (await send(p, sale)).status, // duplicate
      (await send(p, signSquare(sq, 'not json'))).status, // invalid_payload
      (await send(p, squarePayment(sq, { merchantId: 'SQMSOMEONEELSE' }))).status, // merchant_mismatch
      (await send(p, { ...shopifyOrder(sh), headers: { ...shopifyOrder(sh).headers, 'x-shopify-hmac-sha256': 'AAAA' } })).status, // invalid_signature
      (await send(p, shopifyOrder(sh))).status, // accepted
      (await send(p, { ...zettlePurchase(ze), path: `/webhooks/zettle/${randomUUID()}` })).status, // unknown_connection
      (await p.api('POST', `/webhooks/zettle/${ze.connectionId}`, JSON.stringify({ organizationUuid: ze.merchantId, messageUuid: randomUUID(), eventName: 'TestMessage', messageId: randomUUID(), payload: { data: 'payload' } }))).status, // test_message
    ];
    expect(statuses).toEqual([200, 200, 200, 400, 403, 401, 200, 404, 200]);

    expect(await webhookCounters(p)).toEqual({
      'square/accepted': 2,
      'square/duplicate': 1,
      'square/invalid_payload': 1,
      'square/merchant_mismatch': 1,
      'shopify/invalid_signature': 1,
      'shopify/accepted': 1,
      'zettle/unknown_connection': 1,
      'zettle/test_message': 1,
    });
  });

  it('the webhook route shows up in the HTTP histogram by route template, not by connection id', async () => {
    const res = await p.admin('GET', '/metrics');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/webhooks\/:provider\/:connectionId",status_code="200"\} \d+/);
    expect(res.text).not.toMatch(/route="\/webhooks\/square\/[0-9a-f-]{36}"/);
  });

  it('SQLite exports its WAL checkpoint thread (started with the platform); PostgreSQL has none', async () => {
    const text = (await p.admin('GET', '/metrics')).text;
    if (p.ctx.db.dialect === 'postgres') {
      expect(text).not.toContain('sqlite_checkpoint_thread_up');
      return;
    }
    expect(text).toMatch(/^sqlite_checkpoint_thread_up 1$/m);
    expect(text).toMatch(/^sqlite_wal_checkpoints\{by="thread"\} \d+$/m);
    expect(text).toMatch(/^sqlite_wal_checkpoints\{by="writer"\} \d+$/m);
    expect(text).toMatch(/^sqlite_wal_pages \d+$/m);
  });
});
