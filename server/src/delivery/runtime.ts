import type { AppContext } from '../http/context.js';
import { addCollectedGauge } from '../ops/metrics.js';
import { nowIso } from '../core/ids.js';
import { EndpointBreakers, type CircuitName } from './breakers.js';
import { BullDeliveryBackend } from './bullmq-backend.js';
import { DELIVER_JOB } from './event-types.js';
import { loopbackEnabled } from './url-guard.js';
import { WebhookSender } from './sender.js';
import { sweepDeliveries } from './sweeper.js';
import { newWorkerId, processDelivery, type DeliveryRuntime } from './worker.js';

const MAX_IN_FLIGHT = 16;
const CIRCUIT_VALUE: Record<CircuitName, number> = { closed: 0, half_open: 1, open: 2 };

export interface DeliveryService {
  runtime: DeliveryRuntime;
  bull: BullDeliveryBackend | null;
  /** One sweep now (tests, and the crash-test helper after a restart). */
  sweep(): Promise<{ expired: number; rescheduled: number }>;
  stop(): Promise<void>;
}

/** Bounds concurrent HTTP sends on the database queue, so slow merchants cannot starve other jobs. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

function persistCircuit(ctx: AppContext, endpointId: string, state: CircuitName): void {
  ctx.log.info({ endpointId, circuit: state }, 'webhook endpoint circuit changed');
  void ctx.db.writer
    .run((trx) => trx.updateTable('webhook_endpoints').set({ circuit_state: state, circuit_changed_at: nowIso() }).where('id', '=', endpointId).execute())
    .catch((err: unknown) => ctx.log.warn({ err, endpointId }, 'could not record circuit state'));
}

function registerGauges(ctx: AppContext, breakers: EndpointBreakers): void {
  addCollectedGauge(ctx.metrics, 'webhook_endpoint_circuits', 'Outbound endpoints by circuit state as seen by this instance', ['state'], async (set) => {
    const counts: Record<CircuitName, number> = { closed: 0, half_open: 0, open: 0 };
    for (const [, s] of breakers.states()) counts[s] += 1;
    for (const [state, n] of Object.entries(counts)) set({ state }, n);
  });
  // One series per endpoint, i.e. per tenant: only with METRICS_BUSINESS_LABELS.
  if (ctx.metrics.businessLabels) {
    addCollectedGauge(ctx.metrics, 'webhook_endpoint_circuit_state', 'Outbound endpoint circuit as seen by this instance: 0 closed, 1 half-open, 2 open', ['endpoint_id'], async (set) => {
      for (const [id, s] of breakers.states()) set({ endpoint_id: id }, CIRCUIT_VALUE[s]);
    });
  }
  addCollectedGauge(ctx.metrics, 'webhook_dead_letters', 'Outbound webhook deliveries in the dead-letter queue', [], async (set) => {
    const row = await ctx.db.kysely.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'dead').executeTakeFirst();
    set({}, Number(row?.n ?? 0));
  });
}

/**
 * Starts outbound delivery: the job handler for the database queue (always registered), BullMQ when
 * REDIS_URL is set, and the sweeper that repairs crashed leases and lost jobs.
 */
export function startDelivery(ctx: AppContext, opts: { workers: boolean }): DeliveryService {
  const s = ctx.config.outboundWebhooks;
  const breakers = new EndpointBreakers(s.breakerThreshold, s.breakerHalfOpenMs, (id, state) => persistCircuit(ctx, id, state));
  const runtime: DeliveryRuntime = { ctx, sender: new WebhookSender(loopbackEnabled(ctx.config.env, s.allowLoopback), s.timeoutMs), breakers, workerId: newWorkerId() };
  registerGauges(ctx, breakers);
  const slots = new Slots(MAX_IN_FLIGHT);
  const inFlight = new Set<Promise<unknown>>();
  const log = ctx.log.child({ component: 'webhook-delivery' });

  // Database queue: the job only hands the delivery to a bounded pool; the row's lease and the sweeper
  // cover a crash after the job was marked done.
  ctx.queue.register(DELIVER_JOB, async (payload) => {
    await slots.acquire();
    const p = processDelivery(runtime, (payload as { deliveryId: string }).deliveryId)
      .catch((err: unknown) => log.error({ err }, 'webhook delivery failed unexpectedly'))
      .finally(() => slots.release());
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });

  const bull = ctx.config.redisUrl
    ? new BullDeliveryBackend({
        redisUrl: ctx.config.redisUrl,
        keyPrefix: ctx.config.redisKeyPrefix,
        concurrency: MAX_IN_FLIGHT,
        startWorker: opts.workers,
        log,
        process: async (id) => {
          const o = await processDelivery(runtime, id);
          return o.kind === 'later' ? o.at : o.kind === 'skipped' ? (o.notBefore ?? null) : null;
        },
      })
    : null;

  const sweep = () => sweepDeliveries(ctx, bull ? (ids) => bull.enqueue(ids) : undefined);
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<unknown> | null = null;
  if (opts.workers) {
    // With BullMQ the sweep is also the dispatcher for new rows, so it runs at the queue's poll cadence.
    const every = bull ? ctx.config.queue.pollIntervalMs : Math.max(ctx.config.queue.pollIntervalMs, 5_000);
    timer = setInterval(() => {
      if (sweeping || ctx.state.shuttingDown) return;
      sweeping = sweep()
        .catch((err: unknown) => log.warn({ err }, 'webhook sweep failed'))
        .finally(() => (sweeping = null));
    }, every);
    timer.unref();
  }

  return {
    runtime,
    bull,
    sweep,
    async stop() {
      if (timer) clearInterval(timer);
      await sweeping;
      await bull?.close();
      await Promise.allSettled([...inFlight]);
      await runtime.sender.close();
    },
  };
}
