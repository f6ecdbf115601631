import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';

/** Thrown inside the breaker for a failed delivery attempt, so cockatiel counts it. */
export class DeliveryFailure extends Error {
  override name = 'DeliveryFailure';
}

export type CircuitName = 'closed' | 'open' | 'half_open';

const NAMES: Record<CircuitState, CircuitName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

interface Entry {
  policy: CircuitBreakerPolicy;
  openedAt: number;
}

/**
 * One cockatiel circuit breaker per endpoint (per instance): opens after N consecutive failures,
 * lets one trial through after the half-open delay, closes on success. An open circuit makes the
 * worker postpone the delivery — it is neither attempted nor counted.
 */
export class EndpointBreakers {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly threshold: number,
    private readonly halfOpenMs: number,
    private readonly onChange: (endpointId: string, state: CircuitName) => void = () => undefined,
  ) {}

  private entry(endpointId: string): Entry {
    let e = this.entries.get(endpointId);
    if (!e) {
      const policy = circuitBreaker(handleWhen((err) => err instanceof DeliveryFailure), { halfOpenAfter: this.halfOpenMs, breaker: new ConsecutiveBreaker(this.threshold) });
      const created: Entry = { policy, openedAt: 0 };
      policy.onBreak(() => (created.openedAt = Date.now()));
      policy.onStateChange((s) => this.onChange(endpointId, NAMES[s]));
      this.entries.set(endpointId, created);
      e = created;
    }
    return e;
  }

  state(endpointId: string): CircuitName {
    const e = this.entries.get(endpointId);
    return e ? NAMES[e.policy.state] : 'closed';
  }

  states(): Map<string, CircuitName> {
    return new Map([...this.entries.keys()].map((id) => [id, this.state(id)]));
  }

  /**
   * True while the circuit is open and its half-open delay has not passed. cockatiel only moves to
   * half-open when called after the delay, so "open" alone would postpone a delivery forever.
   */
  blocked(endpointId: string, now = Date.now()): boolean {
    const e = this.entries.get(endpointId);
    return !!e && e.policy.state === CircuitState.Open && now < e.openedAt + this.halfOpenMs;
  }

  /** When an open circuit will let a trial through (for postponing deliveries). */
  reopensAt(endpointId: string, now = Date.now()): Date {
    const e = this.entries.get(endpointId);
    const at = e ? e.openedAt + this.halfOpenMs : now;
    // Half-open with a trial in flight: look again shortly.
    return new Date(Math.max(at, now + Math.min(1000, this.halfOpenMs)));
  }

  /**
   * Runs `fn` through the endpoint's breaker. Resolves 'rejected' when the circuit is open (nothing
   * was attempted); otherwise fn's result. fn throws DeliveryFailure(result) to count a failure.
   */
  async run<T>(endpointId: string, fn: () => Promise<T>): Promise<{ rejected: true } | { rejected: false; value: T }> {
    try {
      const value = await this.entry(endpointId).policy.execute(fn);
      return { rejected: false, value };
    } catch (err) {
      if (err instanceof BrokenCircuitError) return { rejected: true };
      throw err;
    }
  }
}
