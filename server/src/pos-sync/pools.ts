import type { PoolSizing } from './types.js';

export interface PoolLoad {
  size: number;
  /** Requests in flight plus requests waiting for a connection, across the provider's pools. */
  busy: number;
}

/**
 * The seed's dynamic pool sizing: start at the base size; when at least 80 % of the connections are
 * busy grow by half, never below `min` nor above `max`; when under 20 % and above the base, go back to
 * the base. Pure, so the rule is tested on its own.
 */
export function recommendPoolSize(load: PoolLoad, sizing: PoolSizing): number {
  const utilisation = load.size > 0 ? load.busy / load.size : 0;
  if (utilisation >= 0.8) return Math.min(sizing.max, Math.max(sizing.min, Math.ceil(load.size * 1.5)));
  if (utilisation <= 0.2 && load.size > sizing.base) return sizing.base;
  return Math.min(sizing.max, Math.max(1, load.size));
}
