import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { newId, nowIso } from '../core/ids.js';
import { POS_PROVIDERS, type PosProvider } from '../pos/providers/types.js';
import { PosApiClient } from './api-client.js';
import { TokenManager } from './credentials.js';
import { ProviderEndpoints, type Endpoint, type SwitchEvent } from './endpoints.js';
import { createPosSyncMetrics, type PosSyncMetrics } from './metrics.js';
import { recommendPoolSize } from './pools.js';

const PROBE_TIMEOUT_MS = 5_000;

/**
 * Per-process POS API machinery for one app: endpoint sets with their pools and breakers, the API
 * client, token handling and the periodic health check that fails over and back.
 */
export class PosSync {
  readonly endpoints: Record<PosProvider, ProviderEndpoints>;
  readonly client: PosApiClient;
  readonly tokens: TokenManager;
  readonly metrics: PosSyncMetrics;
  private timer: NodeJS.Timeout | null = null;
  private pendingWrites = new Set<Promise<void>>();

  constructor(private readonly ctx: AppContext) {
    const cfg = ctx.config.posSync;
    const sets = {} as Record<PosProvider, ProviderEndpoints>;
    for (const p of POS_PROVIDERS) sets[p] = new ProviderEndpoints(p, cfg.baseUrls[p], cfg, (e) => this.onSwitch(e));
    this.endpoints = sets;
    this.metrics = createPosSyncMetrics(ctx.metrics, () =>
      POS_PROVIDERS.flatMap((p) => sets[p].endpoints.map((ep) => ({ provider: p, endpoint: ep.name, active: sets[p].active === ep, breaker: ep.breaker.state as number }))),
    );
    for (const p of POS_PROVIDERS) this.metrics.poolSize.set({ provider: p }, sets[p].poolSize);
    this.client = new PosApiClient(cfg, sets, this.metrics);
    this.tokens = new TokenManager(ctx.db, ctx.config.encryptionKey, cfg, this.client);
  }

  /** Automatic and recovery switches are stored here; manual ones by the route, with their audit entry. */
  private onSwitch(e: SwitchEvent): void {
    this.ctx.log.warn({ ...e }, 'POS API endpoint switched');
    if (e.kind === 'manual') return;
    const write: Promise<void> = storeSwitch(this.ctx, e)
      .then(() => undefined)
      .catch((err: unknown) => this.ctx.log.error({ err }, 'could not store POS failover event'))
      .finally(() => this.pendingWrites.delete(write));
    this.pendingWrites.add(write);
  }

  start(): void {
    const every = this.ctx.config.posSync.healthCheckIntervalMs;
    if (every <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.runHealthChecks().catch((err: unknown) => this.ctx.log.warn({ err }, 'POS health check failed')), every);
    this.timer.unref();
  }

  /** Resolves when every automatic switch seen so far is stored (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.pendingWrites]);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.pendingWrites]);
    await Promise.all(POS_PROVIDERS.map((p) => this.endpoints[p].close()));
  }

  /** Probe every endpoint, reset breakers of endpoints that answer again, fail over / back, resize pools. */
  async runHealthChecks(): Promise<void> {
    await Promise.all(POS_PROVIDERS.flatMap((p) => this.endpoints[p].endpoints.map((ep) => this.probe(this.endpoints[p], ep))));
    for (const p of POS_PROVIDERS) this.endpoints[p].rebalance();
    this.optimizePools();
  }

  /**
   * Any HTTP answer below 500 means the endpoint is up (an unauthenticated probe gets 401/404). A
   * templated Shopify URL has no host to probe without a shop, so its breaker alone decides.
   */
  private async probe(set: ProviderEndpoints, ep: Endpoint): Promise<void> {
    if (ep.baseUrl.includes('{shop}')) return;
    const base = new URL(ep.baseUrl);
    let healthy = false;
    try {
      const res = await (await set.poolFor(ep, base.origin)).request({ method: 'GET', path: `${base.pathname.replace(/\/+$/, '')}/`, headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS });
      await res.body.dump();
      healthy = res.statusCode < 500;
      if (!healthy) ep.lastError = `health check: HTTP ${res.statusCode}`;
    } catch (err) {
      ep.lastError = `health check: ${(err as { code?: string }).code ?? (err as Error).message}`;
    }
    const wasBroken = !ep.healthy || ep.breaker.state !== 0;
    ep.healthy = healthy;
    ep.lastCheckAt = nowIso();
    if (healthy && wasBroken) {
      set.resetBreaker(ep);
      ep.lastError = null;
    }
  }

  /** Apply the pool sizing rule to every provider; returns what changed. */
  optimizePools(): Array<{ provider: PosProvider; from: number; to: number; busy: number }> {
    const changes = [];
    for (const p of POS_PROVIDERS) {
      const set = this.endpoints[p];
      const busy = set.endpoints.reduce((sum, ep) => sum + [...ep.pools.values()].reduce((s, pool) => s + pool.stats.running + pool.stats.pending + pool.stats.queued, 0), 0);
      const to = recommendPoolSize({ size: set.poolSize, busy }, this.ctx.config.posSync.pool);
      if (to !== set.poolSize) {
        changes.push({ provider: p, from: set.poolSize, to, busy });
        set.resize(to);
        this.metrics.poolSize.set({ provider: p }, to);
      }
    }
    return changes;
  }
}

export async function storeSwitch(ctx: AppContext, e: SwitchEvent, trx?: Transaction<Database>): Promise<string> {
  const id = newId();
  const row = { id, provider: e.provider, from_endpoint: e.from, to_endpoint: e.to, kind: e.kind, reason: e.reason, actor: e.actor, created_at: nowIso() };
  if (trx) await trx.insertInto('pos_failover_events').values(row).execute();
  else await ctx.db.writer.run((t) => t.insertInto('pos_failover_events').values(row).execute());
  return id;
}

const instances = new WeakMap<AppContext, PosSync>();

/** The app's PosSync, created on first use (routes, jobs and tests share it). */
export function posSyncFor(ctx: AppContext): PosSync {
  let sync = instances.get(ctx);
  if (!sync) {
    sync = new PosSync(ctx);
    instances.set(ctx, sync);
  }
  return sync;
}
