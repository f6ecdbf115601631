/**
 * What went wrong talking to a provider API. `retryable` drives the retry policy; `endpointFailure`
 * drives the endpoint's circuit breaker (a 429 or a 401 says nothing about the endpoint being down).
 */
export class PosApiError extends Error {
  constructor(
    message: string,
    readonly kind: 'http' | 'network' | 'rate_limited' | 'unauthorized' | 'breaker_open' | 'invalid_response',
    readonly status: number | null,
    readonly retryable: boolean,
    readonly endpointFailure: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'PosApiError';
  }
}

/** Retry-After as seconds or an HTTP date → milliseconds, capped so a hostile value cannot park a job. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now(), capMs = 120_000): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(Math.round(Number(trimmed) * 1000), capMs);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now), capMs);
}

/** Classify a non-2xx status. */
export function errorForStatus(status: number, retryAfter: string | string[] | undefined, excerpt: string): PosApiError {
  const msg = `HTTP ${status}: ${excerpt.slice(0, 200)}`;
  if (status === 429) return new PosApiError(msg, 'rate_limited', status, true, false, parseRetryAfter(retryAfter));
  if (status === 401) return new PosApiError(msg, 'unauthorized', status, false, false);
  if (status >= 500 || status === 408) return new PosApiError(msg, 'http', status, true, true, parseRetryAfter(retryAfter));
  return new PosApiError(msg, 'http', status, false, false);
}
