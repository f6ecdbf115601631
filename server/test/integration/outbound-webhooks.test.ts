import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createBusiness } from '../helpers/fixtures.js';
import { connect, safeOrgNumber } from '../helpers/webhook-helpers.js';
import { squarePayment } from '../helpers/pos-payloads.js';
import { TestReceiver } from '../helpers/webhook-receiver.js';
import { emitEvent } from '../../src/delivery/emit.js';

// Fast schedule for tests: the policy itself (1 s … 15 min, 10 attempts) is unit-tested.
const ENV = {
  OUTBOUND_WEBHOOK_BACKOFF_BASE_MS: '10',
  OUTBOUND_WEBHOOK_BACKOFF_MAX_MS: '60',
  OUTBOUND_WEBHOOK_MAX_ATTEMPTS: '5',
  // Long enough that a stalled CI machine's 200 is not recorded as a timeout; the hang case still times out.
  OUTBOUND_WEBHOOK_TIMEOUT_MS: '2000',
  OUTBOUND_WEBHOOK_BREAKER_THRESHOLD: '3',
  OUTBOUND_WEBHOOK_BREAKER_HALF_OPEN_MS: '300',
};

let p: TestPlatform;
let businessId: string;
const receivers: TestReceiver[] = [];

async function receiver(): Promise<TestReceiver> {
  const r = await new TestReceiver().start();
  receivers.push(r);
  return r;
}

/** Registers an endpoint pointing at a fresh receiver that trusts the returned secret. */
async function endpointWith(body: Record<string, unknown> = {}, bid = businessId) {
  const r = await receiver();
  const res = await p.admin('POST', `/admin/businesses/${bid}/webhook-endpoints`, { url: r.url, eventTypes: ['transaction.received', 'reward.created'], ...body });
  expect(res.status, res.text).toBe(201);
  r.secrets = [res.body.secret];
  return { r, ep: res.body as { id: string; secret: string; url: string }, base: `/admin/businesses/${bid}/webhook-endpoints/${res.body.id}` };
}

async function sendTest(base: string): Promise<{ eventId: string; deliveryId: string }> {
  const res = await p.admin('POST', `${base}/test`);
  expect(res.status, res.text).toBe(202);
  return res.body;
}

async function waitDelivery(id: string, status: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await p.ctx.db.kysely.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (row.status === status) return row;
    if (Date.now() > deadline) throw new Error(`delivery ${id} is ${row.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const auditActions = async (targetId: string) => (await p.ctx.db.kysely.selectFrom('audit_log').select('action').where('target_id', '=', targetId).execute()).map((a) => a.action);

beforeAll(async () => {
  p = await startTestPlatform(ENV);
  businessId = (await createBusiness(p, { orgNumber: safeOrgNumber() })).id;
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});
afterAll(async () => p?.stop());

describe('webhook endpoints API', () => {
  it('creates with a whsec_ secret shown once, lists, updates, deletes, and audits each change', async () => {
    const { ep, base } = await endpointWith({ description: 'ERP', ordered: true });
    expect(ep.secret).toMatch(/^whsec_/);
    const got = await p.admin('GET', base);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: ep.id, businessId, url: ep.url, eventTypes: ['transaction.received', 'reward.created'], description: 'ERP', ordered: true, enabled: true, circuitState: 'closed', previousSecretExpiresAt: null });
    expect(got.text).not.toContain('whsec_');
    const list = await p.admin('GET', `/admin/businesses/${businessId}/webhook-endpoints`);
    expect(list.body.items.map((e: { id: string }) => e.id)).toContain(ep.id);
    expect(list.text).not.toContain('whsec_');
    const patched = await p.admin('PATCH', base, { eventTypes: ['reward.paid'], enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ eventTypes: ['reward.paid'], enabled: false });
    expect((await p.admin('DELETE', base)).status).toBe(204);
    expect((await p.admin('GET', base)).status).toBe(404);
    expect(await auditActions(ep.id)).toEqual(expect.arrayContaining(['webhook_endpoint.create', 'webhook_endpoint.update', 'webhook_endpoint.delete']));
  });

  it('rejects bad input with 4xx: non-https, private targets over http, unknown event types, unknown business', async () => {
    const url = `/admin/businesses/${businessId}/webhook-endpoints`;
    for (const body of [
      { url: 'http://hooks.example.se/x', eventTypes: ['reward.paid'] },
      { url: 'http://10.1.2.3/x', eventTypes: ['reward.paid'] },
      { url: 'ftp://example.se/x', eventTypes: ['reward.paid'] },
      { url: 'https://hooks.example.se/x', eventTypes: ['reward.exploded'] },
      { url: 'https://hooks.example.se/x', eventTypes: [] },
      { url: 'https://hooks.example.se/x', eventTypes: ['reward.paid'], secret: 'mine' },
    ]) {
      const res = await p.admin('POST', url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await p.admin('POST', `/admin/businesses/${crypto.randomUUID()}/webhook-endpoints`, { url: 'https://hooks.example.se/x', eventTypes: ['reward.paid'] })).status).toBe(404);
    expect((await p.api('GET', url)).status).toBe(401);
  });
});

describe('delivery', () => {
  it('sends a signed test event that standardwebhooks verifies, and records the attempt', async () => {
    const { r, base } = await endpointWith();
    const { eventId, deliveryId } = await sendTest(base);
    await waitDelivery(deliveryId, 'delivered');
    expect(r.received).toHaveLength(1);
    expect(r.received[0]).toMatchObject({ id: eventId, body: { id: eventId, type: 'webhook.test', data: { businessId } } });
    const attempts = await p.admin('GET', `${base}/attempts`);
    expect(attempts.body.items).toHaveLength(1);
    expect(attempts.body.items[0]).toMatchObject({ deliveryId, attempt: 1, statusCode: 200, outcome: 'delivered', responseExcerpt: 'ok', error: null });
    expect(attempts.body.items[0].latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('a POS sale emits transaction.received from the same commit as the transaction', async () => {
    const conn = await connect(p, 'square');
    const { r } = await endpointWith({ eventTypes: ['transaction.received'] }, conn.businessId);
    const wh = squarePayment(conn, { amount: 12_350, paymentId: 'PAYOUTBOUND1' });
    expect((await p.api('POST', wh.path, wh.body, wh.headers)).status).toBe(200);
    await r.waitFor((x) => x.received.length === 1);
    const tx = await p.ctx.db.kysely.selectFrom('transactions').selectAll().where('connection_id', '=', conn.connectionId).executeTakeFirstOrThrow();
    expect(r.received[0]!.body).toMatchObject({ type: 'transaction.received', data: { businessId: conn.businessId, transactionId: tx.id, externalId: 'PAYOUTBOUND1', amountMinor: 12_350, provider: 'square' } });
    // The same sale again (a retried provider webhook) does not emit twice.
    const again = squarePayment(conn, { amount: 12_350, paymentId: 'PAYOUTBOUND1' });
    expect((await p.api('POST', again.path, again.body, again.headers)).status).toBe(200);
    await p.ctx.queue.drain();
    const events = await p.ctx.db.kysely.selectFrom('webhook_outbox_events').select('id').where('business_id', '=', conn.businessId).where('type', '=', 'transaction.received').execute();
    expect(events).toHaveLength(1);
  });

  it('the outbox rolls back with the business change', async () => {
    await endpointWith();
    const before = await p.ctx.db.kysely.selectFrom('webhook_outbox_events').select('id').execute();
    await expect(
      p.ctx.db.writer.run(async (trx) => {
        await emitEvent(p.ctx, { businessId, type: 'reward.created', data: { rewardId: 'x' } }, trx);
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    expect(await p.ctx.db.kysely.selectFrom('webhook_outbox_events').select('id').execute()).toHaveLength(before.length);
  });

  it('retries 500, 429 with Retry-After and a timeout with the same webhook-id, then delivers', async () => {
    const { r, base } = await endpointWith();
    r.reply({ status: 500, body: 'x'.repeat(5000) }, { status: 429, headers: { 'retry-after': '0' } }, { hang: true });
    const { eventId, deliveryId } = await sendTest(base);
    const row = await waitDelivery(deliveryId, 'delivered');
    expect(row.attempts).toBe(4);
    expect(r.requests).toEqual([eventId, eventId, eventId, eventId]);
    const attempts = (await p.admin('GET', `${base}/attempts?deliveryId=${deliveryId}`)).body.items.reverse();
    expect(attempts.map((a: { statusCode: number | null }) => a.statusCode)).toEqual([500, 429, null, 200]);
    expect(attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'delivered']);
    expect(attempts[0].responseExcerpt).toHaveLength(1024);
    expect(attempts[2].error).toMatch(/timed out|Timeout/i);
  });

  it('410 is permanent: dead-lettered after one attempt; replaying one delivers it with the same webhook-id', async () => {
    const { r, ep, base } = await endpointWith();
    r.reply({ status: 410 });
    const { eventId, deliveryId } = await sendTest(base);
    const dead = await waitDelivery(deliveryId, 'dead');
    expect(dead.attempts).toBe(1);
    expect(dead.last_error).toMatch(/permanent HTTP 410/);
    for (const url of [`${base}/dead-letters`, `/admin/businesses/${businessId}/webhook-dead-letters?endpointId=${ep.id}`, `/admin/webhooks/dead-letters?endpointId=${ep.id}`]) {
      const res = await p.admin('GET', url);
      expect(res.status).toBe(200);
      expect(res.body.items.map((d: { id: string }) => d.id)).toEqual([deliveryId]);
      expect(res.body.items[0]).toMatchObject({ eventId, endpointId: ep.id, businessId, eventType: 'webhook.test', status: 'dead', attempts: 1, lastStatusCode: 410 });
    }
    const replay = await p.admin('POST', `${base}/dead-letters/${deliveryId}/replay`);
    expect(replay.body).toEqual({ replayed: 1 });
    const done = await waitDelivery(deliveryId, 'delivered');
    expect(done.replays).toBe(1);
    expect(r.received.map((x) => x.id)).toEqual([eventId]);
    expect((await p.admin('POST', `${base}/dead-letters/${deliveryId}/replay`)).status).toBe(409);
    expect(await auditActions(ep.id)).toContain('webhook_dead_letters.replay');
  });

  it('gives up after the configured attempts; operator replay by filter and of everything', async () => {
    const { r, ep, base } = await endpointWith();
    r.always({ status: 503 });
    const first = await sendTest(base);
    await waitDelivery(first.deliveryId, 'dead', 20_000);
    expect(r.requests.filter((id) => id === first.eventId)).toHaveLength(5);
    expect((await p.admin('POST', '/admin/webhooks/dead-letters/replay', {})).status).toBe(400);
    r.always({ status: 200 });
    const byFilter = await p.admin('POST', '/admin/webhooks/dead-letters/replay', { endpointId: ep.id, eventType: 'webhook.test', from: new Date(Date.now() - 60_000).toISOString() });
    expect(byFilter.body).toEqual({ replayed: 1 });
    await waitDelivery(first.deliveryId, 'delivered');
    const all = await p.admin('POST', '/admin/webhooks/dead-letters/replay', { all: true });
    expect(all.status).toBe(200);
    expect(typeof all.body.replayed).toBe('number');
  });

  describe('with a 3 s half-open window', () => {
    // Its own platform: the test must see 'open', read /metrics and switch the receiver before the
    // half-open trial, which a stall would beat at 300 ms; the other tests keep the fast window.
    let main: [TestPlatform, string];
    let own: TestPlatform | undefined;
    beforeAll(async () => {
      main = [p, businessId];
      p = own = await startTestPlatform({ ...ENV, OUTBOUND_WEBHOOK_BREAKER_HALF_OPEN_MS: '3000' });
      businessId = (await createBusiness(p, { orgNumber: safeOrgNumber() })).id;
    });
    afterAll(async () => {
      [p, businessId] = main;
      await own?.stop();
    });

    it('opens the circuit after consecutive failures: deliveries wait uncounted, then go when it closes', async () => {
      const { r, ep, base } = await endpointWith();
      r.always({ status: 500 });
      const { deliveryId } = await sendTest(base);
      const deadline = Date.now() + 15_000;
      while ((await p.admin('GET', base)).body.circuitState !== 'open') {
        if (Date.now() > deadline) throw new Error('circuit never opened');
        await new Promise((res) => setTimeout(res, 20));
      }
      expect(p.delivery.runtime.breakers.state(ep.id)).not.toBe('closed');
      const metrics = (await p.admin('GET', '/metrics')).text;
      // Per endpoint only with METRICS_BUSINESS_LABELS (tests/integration/ops-exposure.test.ts); by state always.
      expect(metrics).toMatch(/webhook_endpoint_circuits\{state="(open|half_open)"\} [1-9]/);
      expect(metrics).not.toContain(ep.id);
      r.always({ status: 200 });
      const row = await waitDelivery(deliveryId, 'delivered');
      // Three failures opened it; the next call was the half-open trial. Postponements are not attempts.
      expect(row.attempts).toBe(4);
      const attempts = (await p.admin('GET', `${base}/attempts?deliveryId=${deliveryId}`)).body.items;
      expect(attempts).toHaveLength(4);
      await r.waitFor(() => p.delivery.runtime.breakers.state(ep.id) === 'closed');
    });
  });

  it('ordered endpoints deliver in creation order even when the first needs retries', async () => {
    const { r, base } = await endpointWith({ ordered: true });
    r.reply({ status: 500 }, { status: 503 });
    const sent = [await sendTest(base), await sendTest(base), await sendTest(base)];
    await r.waitFor((x) => x.received.length === 3);
    expect(r.received.map((x) => x.id)).toEqual(sent.map((s) => s.eventId));
  });

  it('rotating the secret signs with both secrets during the overlap, then only the new one', async () => {
    const { r, ep, base } = await endpointWith();
    const oldSecret = ep.secret;
    const rot = await p.admin('POST', `${base}/rotate-secret`, { overlapHours: 24 });
    expect(rot.status).toBe(200);
    expect(rot.body.secret).toMatch(/^whsec_/);
    expect(rot.body.secret).not.toBe(oldSecret);
    expect(Date.parse(rot.body.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    r.secrets = [oldSecret, rot.body.secret];
    await waitDelivery((await sendTest(base)).deliveryId, 'delivered');
    expect(r.received[0]!.verifiedWith).toEqual([0, 1]);
    expect(r.received[0]!.signature.split(' ')).toHaveLength(2);
    const rot2 = await p.admin('POST', `${base}/rotate-secret`, { overlapHours: 0 });
    r.secrets = [rot.body.secret, rot2.body.secret];
    await waitDelivery((await sendTest(base)).deliveryId, 'delivered');
    expect(r.received[1]!.verifiedWith).toEqual([1]);
    expect(await auditActions(ep.id)).toContain('webhook_endpoint.rotate_secret');
  });

  it('recovers a delivery whose worker died mid-flight (expired lease) and one whose job was lost', async () => {
    const bid = (await createBusiness(p, { orgNumber: safeOrgNumber() })).id;
    const { r } = await endpointWith({}, bid);
    const past = new Date(Date.now() - 120_000).toISOString();
    // Commit the crash aftermath directly: one delivery leased by a dead worker, one with no job at all.
    const [da, db] = await p.ctx.db.writer.run(async (trx) => {
      const a = (await emitEvent(p.ctx, { businessId: bid, type: 'reward.created', data: { n: 1 } }, trx)).deliveryIds[0]!;
      const b = (await emitEvent(p.ctx, { businessId: bid, type: 'reward.created', data: { n: 2 } }, trx)).deliveryIds[0]!;
      await trx.updateTable('webhook_deliveries').set({ status: 'in_flight', locked_by: 'crashed-worker', locked_until: past }).where('id', '=', a).execute();
      await trx.updateTable('webhook_deliveries').set({ next_attempt_at: past }).where('id', '=', b).execute();
      await trx.deleteFrom('jobs').where('payload', 'in', [JSON.stringify({ deliveryId: a }), JSON.stringify({ deliveryId: b })]).execute();
      return [a, b];
    });
    await p.delivery.sweep();
    await waitDelivery(da, 'delivered');
    await waitDelivery(db, 'delivered');
    expect(r.requests.sort()).toEqual([...r.uniqueIds()].sort());
    expect(r.uniqueIds().size).toBe(2);
  });
});

describe('stats and metrics', () => {
  it('GET /swedish-ops/webhook-stats reports inbound per provider against the SLA and outbound per endpoint', async () => {
    const conn = await connect(p, 'square');
    const wh = squarePayment(conn, { amount: 5000 });
    expect((await p.api('POST', wh.path, wh.body, wh.headers)).status).toBe(200);
    await p.ctx.queue.drain();
    const { ep, base } = await endpointWith({}, conn.businessId);
    await waitDelivery((await sendTest(base)).deliveryId, 'delivered');
    const res = await p.admin('GET', '/swedish-ops/webhook-stats?hours=2');
    expect(res.status).toBe(200);
    expect(res.body.windows.map((w: { key: string }) => w.key)).toEqual(['1h', '24h', '7d', '2h']);
    const square = res.body.providers.find((x: { provider: string }) => x.provider === 'square');
    expect(square.target).toBe(0.99);
    expect(square.windows['1h'].succeeded).toBeGreaterThanOrEqual(1);
    expect(square.windows['1h'].successRate).toBeGreaterThan(0);
    expect(res.body.providers.map((x: { provider: string; target: number }) => [x.provider, x.target])).toEqual([['square', 0.99], ['shopify', 0.985], ['zettle', 0.98]]);
    const mine = res.body.endpoints.find((e: { endpointId: string }) => e.endpointId === ep.id);
    expect(mine.windows['24h']).toEqual({ delivered: 1, dead: 0, pending: 0, successRate: 1 });
    const one = await p.admin('GET', '/swedish-ops/webhook-stats?provider=zettle');
    expect(one.body.providers.map((x: { provider: string }) => x.provider)).toEqual(['zettle']);
    expect((await p.admin('GET', '/swedish-ops/webhook-stats?provider=paypal')).status).toBe(400);
    expect((await p.admin('GET', '/swedish-ops/webhook-stats?hours=0')).status).toBe(400);
    const metrics = (await p.admin('GET', '/metrics')).text;
    for (const name of ['webhook_deliveries_total', 'webhook_delivery_duration_seconds', 'webhook_endpoint_circuits', 'webhook_dead_letters']) expect(metrics).toContain(`# TYPE ${name}`);
    expect(metrics).toMatch(/webhook_deliveries_total\{result="delivered"\} [1-9]/);
  });
});
