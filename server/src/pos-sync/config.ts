import type { RawConfig } from '../config/schema.js';
import type { PosProvider } from '../pos/providers/types.js';

/** Names of the failover positions, in order. */
export const ENDPOINT_NAMES = ['primary', 'secondary', 'tertiary'] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

export interface PosSyncConfig {
  /** Base URLs per provider in failover order (at most three). */
  baseUrls: Record<PosProvider, string[]>;
  zettleOauthUrl: string;
  squareVersion: string;
  shopifyApiVersion: string;
  pool: { base: number; min: number; max: number };
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  breaker: { failures: number; halfOpenMs: number };
  healthCheckIntervalMs: number;
  reconcileWindowHours: number;
  reconcileIntervalMinutes: number;
}

/** "a, b ,c" → up to three trimmed URLs without trailing slashes. */
export function splitUrls(value: string): string[] {
  return value
    .split(',')
    .map((u) => u.trim().replace(/\/+$/, ''))
    .filter(Boolean)
    .slice(0, ENDPOINT_NAMES.length);
}

export function posSyncConfig(raw: RawConfig): PosSyncConfig {
  const min = Math.max(raw.POS_POOL_BASE_CONNECTIONS, raw.POS_POOL_MIN_CONNECTIONS);
  return {
    baseUrls: { square: splitUrls(raw.POS_SQUARE_API_URLS), shopify: splitUrls(raw.POS_SHOPIFY_API_URLS), zettle: splitUrls(raw.POS_ZETTLE_API_URLS) },
    zettleOauthUrl: raw.POS_ZETTLE_OAUTH_URL.replace(/\/+$/, ''),
    squareVersion: raw.POS_SQUARE_VERSION,
    shopifyApiVersion: raw.POS_SHOPIFY_API_VERSION,
    // Keep the bounds ordered even if someone sets MIN above MAX.
    pool: { base: raw.POS_POOL_BASE_CONNECTIONS, min, max: Math.max(min, raw.POS_POOL_MAX_CONNECTIONS) },
    timeoutMs: raw.POS_API_TIMEOUT_MS,
    maxAttempts: raw.POS_API_MAX_ATTEMPTS,
    retryBaseMs: raw.POS_API_RETRY_BASE_MS,
    breaker: { failures: raw.POS_BREAKER_FAILURES, halfOpenMs: raw.POS_BREAKER_HALF_OPEN_MS },
    healthCheckIntervalMs: raw.POS_HEALTH_CHECK_INTERVAL_MS,
    reconcileWindowHours: raw.POS_RECONCILE_WINDOW_HOURS,
    reconcileIntervalMinutes: raw.POS_RECONCILE_INTERVAL_MINUTES,
  };
}
