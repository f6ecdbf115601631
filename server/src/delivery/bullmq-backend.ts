import type * as BullMq from 'bullmq';
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from '../core/redis-client.js';
import { lazyRequire } from '../core/lazy.js';
import type { Logger } from '../core/logger.js';

export const BULL_QUEUE_NAME = 'outbound-webhooks';

// Loaded only when REDIS_URL is set: BullMQ is a large CommonJS tree that every embedded start would pay for.
const loadBullMq = lazyRequire<typeof BullMq>('bullmq');

export interface BullDeliveryOptions {
  redisUrl: string;
  keyPrefix: string;
  concurrency: number;
  startWorker: boolean;
  log: Logger;
  /** Runs one delivery; returns when it should run again (postponed or retry), or null when done. */
  process: (deliveryId: string) => Promise<Date | null>;
}

/**
 * BullMQ transport for deliveries when REDIS_URL is set. jobId = delivery id, so adding a delivery that
 * is already queued is a no-op; retries move the same job to delayed. Redis is only a transport: the
 * delivery row stays the source of truth and the sweeper re-adds any due row BullMQ does not hold.
 */
export class BullDeliveryBackend {
  private readonly connection: Redis;
  private readonly workerConnection: Redis | null;
  readonly queue: Queue;
  private readonly worker: Worker | null;

  constructor(private readonly opts: BullDeliveryOptions) {
    const { Queue, Worker } = loadBullMq();
    const prefix = `${opts.keyPrefix}bull`;
    this.connection = this.connect();
    this.queue = new Queue(BULL_QUEUE_NAME, { connection: this.connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
    this.workerConnection = opts.startWorker ? this.connect() : null;
    this.worker = this.workerConnection
      ? new Worker(BULL_QUEUE_NAME, (job, token) => this.run(job, token), { connection: this.workerConnection, prefix, concurrency: opts.concurrency, autorun: true })
      : null;
    this.worker?.on('error', (err) => opts.log.warn({ err: err.message }, 'bullmq worker error'));
    this.worker?.on('failed', (job, err) => opts.log.warn({ deliveryId: job?.id, err: err.message }, 'bullmq delivery job failed; the sweeper will retry it'));
  }

  private connect(): Redis {
    // BullMQ requires maxRetriesPerRequest: null (blocking commands must not be cut short).
    const r = createRedis(this.opts.redisUrl, { maxRetriesPerRequest: null });
    r.on('error', (err) => this.opts.log.warn({ err: err.message }, 'bullmq redis error'));
    return r;
  }

  private async run(job: Job, token: string | undefined): Promise<void> {
    const again = await this.opts.process((job.data as { deliveryId: string }).deliveryId);
    if (!again) return;
    await job.moveToDelayed(Math.max(again.getTime(), Date.now()), token);
    throw new (loadBullMq().DelayedError)();
  }

  /** Idempotent per delivery id. */
  async enqueue(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.queue.addBulk(deliveryIds.map((id) => ({ name: 'deliver', data: { deliveryId: id }, opts: { jobId: id } })));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    for (const c of [this.workerConnection, this.connection]) await c?.quit().catch(() => c.disconnect());
  }
}
