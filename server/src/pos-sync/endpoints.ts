import type { Pool } from 'undici';
import { loadUndici } from '../core/undici.js';
import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { PosProvider } from '../pos/providers/types.js';
import { ENDPOINT_NAMES, type EndpointName, type PosSyncConfig } from './config.js';
import { PosApiError } from './errors.js';

export type SwitchKind = 'automatic' | 'manual' | 'recovery';

export interface SwitchEvent {
  provider: PosProvider;
  from: EndpointName;
  to: EndpointName;
  kind: SwitchKind;
  reason: string;
  actor: string;
}

export interface Endpoint {
  name: EndpointName;
  /** May contain `{shop}` (Shopify): then there is one pool per shop origin. */
  baseUrl: string;
  breaker: CircuitBreakerPolicy;
  healthy: boolean;
  /** Taken out of rotation by an operator; only a manual failover with this target brings it back. */
  drained: boolean;
  lastCheckAt: string | null;
  lastError: string | null;
  pools: Map<string, Pool>;
}

const isEndpointFailure = (e: unknown) => e instanceof PosApiError && e.endpointFailure;

/**
 * The failover state of one provider: its endpoints in order, which one takes traffic, a breaker and
 * undici pools per endpoint. State is per process; every switch is reported through `onSwitch` so it
 * is stored and audited.
 */
export class ProviderEndpoints {
  readonly endpoints: Endpoint[];
  private activeIndex = 0;
  poolSize: number;

  constructor(
    readonly provider: PosProvider,
    urls: string[],
    private readonly cfg: PosSyncConfig,
    private readonly onSwitch: (e: SwitchEvent) => void,
  ) {
    this.poolSize = cfg.pool.base;
    this.endpoints = urls.map((baseUrl, i) => {
      const ep: Endpoint = { name: ENDPOINT_NAMES[i]!, baseUrl, breaker: undefined as unknown as CircuitBreakerPolicy, healthy: true, drained: false, lastCheckAt: null, lastError: null, pools: new Map() };
      this.resetBreaker(ep);
      return ep;
    });
  }

  get active(): Endpoint {
    return this.endpoints[this.activeIndex]!;
  }

  /** A fresh breaker: used at start and when a health probe proves a broken endpoint is back. */
  resetBreaker(ep: Endpoint): void {
    ep.breaker = circuitBreaker(handleWhen(isEndpointFailure), { halfOpenAfter: this.cfg.breaker.halfOpenMs, breaker: new ConsecutiveBreaker(this.cfg.breaker.failures) });
    ep.breaker.onBreak(() => {
      ep.lastError = 'circuit breaker opened';
      if (this.active === ep) this.moveOff('automatic', 'breaker_open', 'system');
    });
  }

  private usable(ep: Endpoint): boolean {
    return ep.healthy && !ep.drained && ep.breaker.state !== CircuitState.Open && ep.breaker.state !== CircuitState.Isolated;
  }

  private switchTo(index: number, kind: SwitchKind, reason: string, actor: string): void {
    const from = this.active.name;
    this.activeIndex = index;
    this.onSwitch({ provider: this.provider, from, to: this.active.name, kind, reason, actor });
  }

  /** Move traffic to the next usable endpoint after the active one (wrapping); false when there is none. */
  moveOff(kind: SwitchKind, reason: string, actor: string): boolean {
    for (let step = 1; step < this.endpoints.length; step++) {
      const index = (this.activeIndex + step) % this.endpoints.length;
      if (this.usable(this.endpoints[index]!)) {
        this.switchTo(index, kind, reason, actor);
        return true;
      }
    }
    return false;
  }

  /** Operator action: drain the active endpoint (or switch to `target`, undraining it). */
  manualFailover(reason: string, actor: string, target?: EndpointName): boolean {
    if (target) {
      const index = this.endpoints.findIndex((e) => e.name === target);
      if (index < 0 || index === this.activeIndex) return false;
      this.endpoints[index]!.drained = false;
      this.switchTo(index, 'manual', reason, actor);
      return true;
    }
    const current = this.active;
    if (!this.moveOff('manual', reason, actor)) return false;
    current.drained = true;
    return true;
  }

  /** After health probes: leave an unusable active endpoint, and return to the earliest usable one. */
  rebalance(): void {
    const preferred = this.endpoints.findIndex((ep) => this.usable(ep));
    if (preferred < 0) return;
    if (preferred < this.activeIndex) this.switchTo(preferred, 'recovery', 'endpoint healthy again', 'system');
    else if (!this.usable(this.active)) this.moveOff('automatic', this.active.lastError ?? 'health check failed', 'system');
  }

  /** The pool for an endpoint and concrete origin, created on first use with the current size. */
  async poolFor(ep: Endpoint, origin: string): Promise<Pool> {
    const { Pool } = await loadUndici(); // before the lookup: get-or-create stays synchronous
    let pool = ep.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: this.poolSize, pipelining: 1, keepAliveTimeout: 10_000, headersTimeout: this.cfg.timeoutMs, bodyTimeout: this.cfg.timeoutMs, connect: { timeout: this.cfg.timeoutMs } });
      ep.pools.set(origin, pool);
    }
    return pool;
  }

  /** undici cannot resize a pool: replace each pool, letting the old one finish its requests. */
  resize(size: number): void {
    if (size === this.poolSize) return;
    this.poolSize = size;
    for (const ep of this.endpoints) {
      const old = [...ep.pools.values()];
      ep.pools.clear();
      for (const pool of old) void pool.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.endpoints.flatMap((ep) => [...ep.pools.values()].map((p) => p.destroy().catch(() => undefined))));
  }
}
