import type { PosProvider, RawWebhook } from '../pos/providers/types.js';

export interface PoolSizing {
  base: number;
  min: number;
  max: number;
}

/** One outgoing API call, relative to the provider's active base URL. */
export interface ApiRequest {
  provider: PosProvider;
  /** Metric label, e.g. "payments.list". */
  operation: string;
  method?: 'GET' | 'POST';
  /** Path and query, appended to the base URL's path. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Shopify shop domain, substituted for `{shop}` in the base URL. */
  shop?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** API credentials of one connection, stored encrypted as JSON. */
export interface ApiCredentials {
  /** Square OAuth / personal access token, Shopify Admin API access token, Zettle access token (cached). */
  accessToken?: string;
  /** Square OAuth refresh token. */
  refreshToken?: string;
  /** Square application id and secret (needed to refresh). */
  clientId?: string;
  clientSecret?: string;
  /** Zettle API key (the JWT assertion) exchanged for access tokens. */
  apiKey?: string;
}

/**
 * A provider API item re-expressed as the webhook the provider would have sent for it, so the one
 * adapter (`getAdapter(provider).parse`) normalises both paths. `key` identifies the item for logs.
 */
export interface SyntheticWebhook {
  key: string;
  raw: RawWebhook;
}
