import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createBusiness } from '../helpers/fixtures.js';
import { safeOrgNumber } from '../helpers/webhook-helpers.js';
import { businessUser, captureMail } from '../helpers/accounts.js';
import { TestReceiver } from '../helpers/webhook-receiver.js';
import { installLoopbackFence } from '../helpers/loopback-fence.js';
import { WebhookSender } from '../../src/delivery/sender.js';
import type { Resolver } from '../../src/delivery/url-guard.js';

/**
 * Attack tests for issue 14 item 4: OUTBOUND_WEBHOOK_ALLOW_LOOPBACK switched the whole SSRF guard to its
 * development rules, so 10.0.0.1, 169.254.169.254 and metadata host names were saved and delivered to (the
 * attempt log kept 1 KB of what they answered). Now the flag relaxes one thing — http(s) to loopback, for
 * endpoints an operator saves — and development/test follow the same rules. Every connection this process
 * opens is fenced to loopback, so a broken guard fails the test instead of reaching another address.
 */
const PRIVATE_DESTINATIONS = [
  'https://10.0.0.1/hook',
  'http://10.0.0.1/hook',
  'https://169.254.169.254/latest/meta-data/',
  'http://192.168.1.20/hook',
  'https://100.64.0.1/hook',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://[::127.0.0.1]/hook',
  'https://[::ffff:0:7f00:1]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://[64:ff9b::a00:1]/hook',
  'https://[64:ff9b:1::a00:1]/hook',
  'https://[2002:a00:1::1]/hook',
  'https://[fec0::1]/hook',
];

const ENV = { OUTBOUND_WEBHOOK_BACKOFF_BASE_MS: '10', OUTBOUND_WEBHOOK_BACKOFF_MAX_MS: '60', OUTBOUND_WEBHOOK_MAX_ATTEMPTS: '3', OUTBOUND_WEBHOOK_TIMEOUT_MS: '2000' };
const fence = installLoopbackFence();
afterAll(() => fence.uninstall());

async function waitForDelivery(p: TestPlatform, id: string, status: string) {
  await expect.poll(async () => (await p.ctx.db.kysely.selectFrom('webhook_deliveries').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, { timeout: 15_000 }).toBe(status);
  return p.ctx.db.kysely.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function endpointCount(p: TestPlatform, businessId: string): Promise<number> {
  const row = await p.ctx.db.kysely.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll<number>().as('n')).where('business_id', '=', businessId).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('production with OUTBOUND_WEBHOOK_ALLOW_LOOPBACK=true', () => {
  let p: TestPlatform;
  let businessId: string;
  const receiver = new TestReceiver();

  beforeAll(async () => {
    // Production requires SMTP_URL; the invitation mail is kept in memory instead (captureMail).
    p = await startTestPlatform({ ...ENV, NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:9', OUTBOUND_WEBHOOK_ALLOW_LOOPBACK: 'true' });
    captureMail(p);
    businessId = (await createBusiness(p, { orgNumber: safeOrgNumber() })).id;
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await p?.stop();
  });

  it('an operator may register plain http to loopback, and the delivery arrives', async () => {
    const res = await p.admin('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url: receiver.url, eventTypes: ['transaction.received'] });
    expect(res.status, res.text).toBe(201);
    receiver.secrets = [res.body.secret];
    const test = await p.admin('POST', `/admin/businesses/${businessId}/webhook-endpoints/${res.body.id}/test`);
    expect(test.status, test.text).toBe(202);
    await waitForDelivery(p, test.body.deliveryId, 'delivered');
    expect(receiver.received.map((r) => r.id)).toContain(test.body.eventId);
  });

  it('a tenant owner may not point an endpoint at loopback, by creating or by changing one', async () => {
    const owner = await businessUser(p, businessId, `owner-${Date.now()}@example.se`);
    const before = await endpointCount(p, businessId);
    const created = await owner.call('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url: receiver.url, eventTypes: ['transaction.received'] });
    expect(created.status, created.text).toBe(400);
    expect(created.body.error.code).toBe('validation_failed');
    expect(created.body.error.message).toMatch(/loopback/);
    expect(await endpointCount(p, businessId)).toBe(before);

    const own = await owner.call('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url: 'https://hooks.example.se/kvittra', eventTypes: ['transaction.received'] });
    expect(own.status, own.text).toBe(201);
    const changed = await owner.call('PATCH', `/admin/businesses/${businessId}/webhook-endpoints/${own.body.id}`, { url: 'http://127.0.0.1:9/steal' });
    expect(changed.status, changed.text).toBe(400);
  });

  it.each(PRIVATE_DESTINATIONS)('refuses %s even for an operator', async (url) => {
    const before = await endpointCount(p, businessId);
    const res = await p.admin('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url, eventTypes: ['transaction.received'] });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(await endpointCount(p, businessId)).toBe(before);
  });
});

describe('development and test follow the same rules', () => {
  let p: TestPlatform;
  let businessId: string;

  beforeAll(async () => {
    p = await startTestPlatform(ENV); // NODE_ENV=test: http to loopback allowed, nothing else private
    businessId = (await createBusiness(p, { orgNumber: safeOrgNumber() })).id;
  });
  afterAll(async () => p?.stop());

  it.each(PRIVATE_DESTINATIONS)('refuses %s', async (url) => {
    const res = await p.admin('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url, eventTypes: ['transaction.received'] });
    expect(res.status, res.text).toBe(400);
  });

  it('a public host name that resolves to a private address at delivery time is refused before connecting (stub resolver)', async () => {
    const resolver: Resolver = (hostname, _o, cb) => cb(null, hostname === 'hooks.example.se' ? [{ address: '169.254.169.254', family: 4 }] : []);
    // Loopback is enabled here (test mode): the rebinding must be refused anyway, because the URL does not name loopback.
    const previous = p.delivery.runtime.sender;
    p.delivery.runtime.sender = new WebhookSender(true, 2000, resolver);
    try {
      const ep = await p.admin('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url: 'https://hooks.example.se/kvittra', eventTypes: ['transaction.received'] });
      expect(ep.status, ep.text).toBe(201);
      const test = await p.admin('POST', `/admin/businesses/${businessId}/webhook-endpoints/${ep.body.id}/test`);
      const dead = await waitForDelivery(p, test.body.deliveryId, 'dead');
      expect(dead.last_error).toMatch(/not allowed/);
      const attempts = await p.ctx.db.kysely.selectFrom('webhook_delivery_attempts').selectAll().where('delivery_id', '=', dead.id).execute();
      expect(attempts.length).toBe(1); // permanent: not retried
      expect(attempts[0]!.response_excerpt).toBeNull();
      expect(attempts[0]!.status_code).toBeNull();
    } finally {
      await p.delivery.runtime.sender.close();
      p.delivery.runtime.sender = previous;
    }
    expect(fence.attempts).toEqual([]);
  });
});
