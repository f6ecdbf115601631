/**
 * The shipped server with REDIS_URL: outbound deliveries run on BullMQ (loaded with lazyRequire, kept
 * external because it reads its Lua scripts from its package folder) over ioredis, and the per-connection
 * webhook rate limit counts in Redis. Keys live under a random REDIS_KEY_PREFIX, deleted afterwards.
 *
 * @covers bullmq, ioredis, core/undici-exports.ts
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVER_JOB } from '../../src/delivery/event-types.js';
import { createBusiness } from '../helpers/fixtures.js';
import { squarePayment } from '../helpers/pos-payloads.js';
import { REDIS_TEST_URL } from '../helpers/redis-global-setup.js';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';
import { connect } from '../helpers/webhook-helpers.js';
import { TestReceiver } from '../helpers/webhook-receiver.js';

const PREFIX = `kvittra-shipped-${randomUUID()}:`;
const WEBHOOKS_PER_MINUTE = 3;

/** BullMQ's event stream of the outbound queue: one entry per job state change, with the job id. */
async function bullEvents(redis: Redis): Promise<Array<Record<string, string>>> {
  const entries = await redis.xrange(`${PREFIX}bull:outbound-webhooks:events`, '-', '+');
  return entries.map(([, fields]) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]])));
}

async function deleteRedisKeys(redis: Redis): Promise<void> {
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
}

describe.skipIf(!!process.env.KVITTRA_REDIS_UNAVAILABLE)('BullMQ and Redis through the shipped server', () => {
  let redis: Redis;
  let p: ServedPlatform;

  beforeAll(async () => {
    redis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
    p = await startServedPlatform(
      { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: PREFIX, RATE_LIMIT_WEBHOOKS_PER_MINUTE: String(WEBHOOKS_PER_MINUTE), OUTBOUND_WEBHOOK_BACKOFF_BASE_MS: '50', OUTBOUND_WEBHOOK_BACKOFF_MAX_MS: '200' },
      'redis server',
    );
  });
  afterAll(async () => {
    await p?.stop();
    if (redis) {
      await deleteRedisKeys(redis);
      redis.disconnect();
    }
  });

  it('delivers an outbound webhook through BullMQ, retrying a 500 as a delayed job with the same webhook-id', async () => {
    const receiver = await new TestReceiver().start();
    try {
      const businessId = (await createBusiness(p)).id;
      const created = await p.admin('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url: receiver.url, eventTypes: ['reward.created'] });
      expect(created.status, created.text).toBe(201);
      receiver.secrets = [created.body.secret];
      receiver.reply({ status: 500 });
      const base = `/admin/businesses/${businessId}/webhook-endpoints/${created.body.id}`;
      const sent = await p.admin('POST', `${base}/test`);
      expect(sent.status, sent.text).toBe(202);
      const { eventId, deliveryId } = sent.body as { eventId: string; deliveryId: string };

      const deliveryStatus = async () => (await p.ctx.db.kysely.selectFrom('webhook_deliveries').select('status').where('id', '=', deliveryId).executeTakeFirst())?.status;
      await expect.poll(deliveryStatus, { timeout: 20_000 }).toBe('delivered');
      const listed = await p.admin('GET', `${base}/deliveries`);
      expect(listed.body.items).toMatchObject([{ id: deliveryId, status: 'delivered', attempts: 2, lastStatusCode: 200 }]);
      expect(receiver.requests).toEqual([eventId, eventId]);
      expect(receiver.received.map((r) => r.id)).toEqual([eventId]);
      // BullMQ ran it (jobId = delivery id): added, delayed after the 500, completed (just after the row says
      // delivered: the job returns once the delivery is recorded). The database queue did not.
      const jobEvents = async () => (await bullEvents(redis)).filter((e) => e.jobId === deliveryId).map((e) => e.event);
      await expect.poll(jobEvents, { timeout: 5_000 }).toEqual(expect.arrayContaining(['added', 'delayed', 'completed']));
      expect(await p.ctx.db.kysely.selectFrom('jobs').select('id').where('type', '=', DELIVER_JOB).execute()).toHaveLength(0);
    } finally {
      await receiver.stop();
    }
  });

  it('counts the per-connection webhook rate limit in Redis', async () => {
    const c = await connect(p, 'square');
    const statuses: number[] = [];
    for (let i = 0; i <= WEBHOOKS_PER_MINUTE; i++) {
      const wh = squarePayment(c, { amount: 1_000 + i });
      statuses.push((await p.api('POST', wh.path, wh.body, wh.headers)).status);
    }
    expect(statuses).toEqual([...Array(WEBHOOKS_PER_MINUTE).fill(200), 429]);
    const keys = (await redis.keys(`${PREFIX}rl:*`)).filter((k) => k.endsWith(`wh:${c.connectionId}`));
    expect(keys).toHaveLength(1);
    expect(await redis.get(keys[0]!)).toBe(String(WEBHOOKS_PER_MINUTE + 1));
    expect(await redis.pttl(keys[0]!)).toBeGreaterThan(0);
  });
});
