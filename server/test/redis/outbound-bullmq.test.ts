import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgres, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createBusiness } from '../helpers/fixtures.js';
import { safeOrgNumber } from '../helpers/webhook-helpers.js';
import { TestReceiver } from '../helpers/webhook-receiver.js';
import { emitEvent } from '../../src/delivery/emit.js';
import { DELIVER_JOB } from '../../src/delivery/event-types.js';

const REDIS_URL = process.env.KVITTRA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const FAST = { OUTBOUND_WEBHOOK_BACKOFF_BASE_MS: '10', OUTBOUND_WEBHOOK_BACKOFF_MAX_MS: '5000', OUTBOUND_WEBHOOK_TIMEOUT_MS: '2000' };


async function endpoint(p: TestPlatform, businessId: string, r: TestReceiver): Promise<string> {
  const res = await p.admin('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url: r.url, eventTypes: ['reward.created'] });
  expect(res.status, res.text).toBe(201);
  r.secrets = [res.body.secret];
  return res.body.id;
}

async function waitStatus(p: TestPlatform, id: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await p.ctx.db.kysely.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (row.status === status) return row;
    if (Date.now() > deadline) throw new Error(`delivery ${id} is ${row.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!!process.env.KVITTRA_REDIS_UNAVAILABLE)('outbound webhooks on BullMQ (REDIS_URL set)', () => {
  let p: TestPlatform;
  let businessId: string;
  const receivers: TestReceiver[] = [];
  beforeAll(async () => {
    p = await startTestPlatform({ REDIS_URL, REDIS_KEY_PREFIX: `test-${randomUUID()}:`, ...FAST });
    businessId = (await createBusiness(p, { orgNumber: safeOrgNumber() })).id;
  });
  afterEach(async () => Promise.all(receivers.splice(0).map((r) => r.stop())));
  afterAll(async () => p?.stop());

  it('delivers through BullMQ (jobId = delivery id), retrying with the same webhook-id, without database jobs', async () => {
    const r = await new TestReceiver().start();
    receivers.push(r);
    await endpoint(p, businessId, r);
    r.reply({ status: 500 });
    const { eventId, deliveryIds } = await emitEvent(p.ctx, { businessId, type: 'reward.created', data: { rewardId: 'r1' } });
    const row = await waitStatus(p, deliveryIds[0]!, 'delivered');
    expect(row.attempts).toBe(2);
    expect(r.requests).toEqual([eventId, eventId]);
    expect(p.delivery.bull).not.toBeNull();
    const dbJobs = await p.ctx.db.kysely.selectFrom('jobs').select('id').where('type', '=', DELIVER_JOB).execute();
    expect(dbJobs).toHaveLength(0);
  });

  it('a job Redis lost is re-added by the sweeper from the delivery row, and delivered once', async () => {
    businessId = (await createBusiness(p, { orgNumber: safeOrgNumber() })).id;
    const r = await new TestReceiver().start();
    receivers.push(r);
    await endpoint(p, businessId, r);
    r.reply({ status: 503, headers: { 'retry-after': '2' } });
    const { eventId, deliveryIds } = await emitEvent(p.ctx, { businessId, type: 'reward.created', data: { rewardId: 'r2' } });
    const id = deliveryIds[0]!;
    await r.waitFor((x) => x.requests.length === 1);
    const bull = p.delivery.bull!;
    // Wait until the retry sits in BullMQ as a delayed job under the delivery's id, then lose it.
    const deadline = Date.now() + 10_000;
    while ((await bull.queue.getJob(id).then((j) => j?.getState())) !== 'delayed') {
      if (Date.now() > deadline) throw new Error('retry never became a delayed BullMQ job');
      await new Promise((res) => setTimeout(res, 20));
    }
    await bull.queue.remove(id);
    expect(await bull.queue.getJob(id)).toBeUndefined();
    const row = await waitStatus(p, id, 'delivered');
    expect(row.attempts).toBe(2);
    expect(r.requests).toEqual([eventId, eventId]);
  });
});

describe.skipIf(!!process.env.KVITTRA_REDIS_UNAVAILABLE)('two instances on one PostgreSQL + Redis', () => {
  let a: TestPlatform;
  let b: TestPlatform;
  let db: { url: string; drop: () => Promise<void> };
  let r: TestReceiver;
  beforeAll(async () => {
    db = await createScratchPostgres('kvittra_bull');
    // Instances of one deployment share ENCRYPTION_KEY (endpoint secrets are sealed with it).
    const env = { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomUUID()}:`, DATABASE_URL: db.url, ENCRYPTION_KEY: randomBytes(32).toString('hex'), ...FAST, OUTBOUND_WEBHOOK_TIMEOUT_MS: '10000', OUTBOUND_WEBHOOK_BREAKER_THRESHOLD: '100' };
    a = await startTestPlatform(env);
    b = await startTestPlatform(env); // after a: migrations run once
    r = await new TestReceiver().start();
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), r?.stop()]);
    await db?.drop();
  });

  it('each delivery is claimed by exactly one worker: every webhook-id reaches the receiver once', async () => {
    const businessId = (await createBusiness(a, { orgNumber: safeOrgNumber() })).id;
    await endpoint(a, businessId, r);
    const emitted: string[] = [];
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const res = await emitEvent(i % 2 ? a.ctx : b.ctx, { businessId, type: 'reward.created', data: { n: i } });
        emitted.push(res.eventId!);
      }),
    );
    await r.waitFor((x) => x.uniqueIds().size === 60, 25_000);
    // The receiver answers before the worker commits its attempt: wait for every row to say delivered.
    const deadline = Date.now() + 15_000;
    while ((await a.ctx.db.kysely.selectFrom('webhook_deliveries').select('id').where('status', '=', 'delivered').execute()).length < 60) {
      if (Date.now() > deadline) throw new Error('deliveries not all recorded as delivered');
      await new Promise((res) => setTimeout(res, 25));
    }
    // Let any duplicate claim show up before counting.
    await Promise.all([a.delivery.sweep(), b.delivery.sweep()]);
    expect(r.requests).toHaveLength(60);
    expect([...r.uniqueIds()].sort()).toEqual(emitted.sort());
    const attempts = await a.ctx.db.kysely.selectFrom('webhook_delivery_attempts').select('delivery_id').execute();
    expect(attempts).toHaveLength(60);
    expect(new Set(attempts.map((x) => x.delivery_id)).size).toBe(60);
  });
});
