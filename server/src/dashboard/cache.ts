import { LRUCache } from 'lru-cache';
import client from 'prom-client';
import type { Redis } from 'ioredis';
import type { AppContext } from '../http/context.js';

export const DASHBOARD_CACHE_TTL_MS = 60_000;

/**
 * Short-lived cache for the heavy dashboard aggregates. Keys carry a freshness stamp (the business's newest
 * feedback and newest claim decision), so new feedback changes the key and is visible at once: no explicit
 * invalidation messages, and it works the same across instances sharing Redis.
 */
export class DashboardCache {
  private readonly local = new LRUCache<string, string>({ max: 2000, ttl: DASHBOARD_CACHE_TTL_MS });
  private readonly counter: client.Counter<'result'>;

  constructor(
    private readonly ctx: AppContext,
    private readonly redis?: Redis,
  ) {
    this.counter = new client.Counter({ name: 'dashboard_cache_requests_total', help: 'Dashboard overview/insights cache lookups by result', labelNames: ['result'] as const, registers: [ctx.metrics.registry] });
  }

  /** Index-only lookups (business_id, scored_at) and (business_id, decided_at): cheap even over millions of rows. */
  async stamp(businessId: string): Promise<string> {
    const [fb, claim] = await Promise.all([
      this.ctx.db.kysely.selectFrom('feedback_sessions').select((eb) => eb.fn.max('scored_at').as('t')).where('business_id', '=', businessId).executeTakeFirst(),
      this.ctx.db.kysely.selectFrom('store_claims').select((eb) => eb.fn.max('decided_at').as('t')).where('business_id', '=', businessId).executeTakeFirst(),
    ]);
    return `${fb?.t ?? '-'}|${claim?.t ?? '-'}`;
  }

  async getOrCompute<T>(kind: string, businessId: string, params: unknown, compute: () => Promise<T>): Promise<T> {
    const key = `${this.ctx.config.redisKeyPrefix}dash:${kind}:${businessId}:${await this.stamp(businessId)}:${JSON.stringify(params)}`;
    const hit = await this.read(key);
    if (hit !== undefined) {
      this.counter.inc({ result: 'hit' });
      return JSON.parse(hit) as T;
    }
    this.counter.inc({ result: 'miss' });
    const value = await compute();
    await this.write(key, JSON.stringify(value));
    return value;
  }

  private async read(key: string): Promise<string | undefined> {
    if (!this.redis) return this.local.get(key);
    try {
      return (await this.redis.get(key)) ?? undefined;
    } catch {
      // Redis down: compute instead of failing the dashboard.
      return undefined;
    }
  }

  private async write(key: string, value: string): Promise<void> {
    if (!this.redis) {
      this.local.set(key, value);
      return;
    }
    await this.redis.set(key, value, 'PX', DASHBOARD_CACHE_TTL_MS).catch(() => undefined);
  }
}
