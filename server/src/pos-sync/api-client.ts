import { BrokenCircuitError, DelegateBackoff, handleWhen, retry, type IRetryBackoffContext } from 'cockatiel';
import type { PosProvider } from '../pos/providers/types.js';
import type { PosSyncConfig } from './config.js';
import type { Endpoint, ProviderEndpoints } from './endpoints.js';
import { PosApiError, errorForStatus } from './errors.js';
import type { PosSyncMetrics } from './metrics.js';
import type { ApiRequest, ApiResponse } from './types.js';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** Full jitter (random between 0 and the exponential cap) unless the provider said when to come back. */
export function retryDelay(attempt: number, baseMs: number, error: unknown, random = Math.random): number {
  if (error instanceof PosApiError && error.retryAfterMs !== null) return error.retryAfterMs;
  if (error instanceof PosApiError && error.kind === 'breaker_open') return 0; // already on another endpoint
  const cap = Math.min(60_000, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

function resolveUrl(ep: Endpoint, req: ApiRequest): { origin: string; path: string } {
  const base = new URL(ep.baseUrl.replace('{shop}', req.shop ?? ''));
  const prefix = base.pathname.replace(/\/+$/, '');
  return { origin: base.origin, path: `${prefix}${req.path}` };
}

function networkError(err: unknown): PosApiError {
  const e = err as { code?: string; message?: string };
  return new PosApiError(`${e.code ?? 'network error'}: ${e.message ?? String(err)}`, 'network', null, true, true);
}

/**
 * Sends provider API calls through the active endpoint's undici pool, inside that endpoint's circuit
 * breaker, with retries (cockatiel). A breaker that opens moves traffic to the next endpoint
 * (ProviderEndpoints), so the retry lands there.
 */
export class PosApiClient {
  constructor(
    private readonly cfg: PosSyncConfig,
    private readonly endpoints: Record<PosProvider, ProviderEndpoints>,
    private readonly metrics: PosSyncMetrics,
  ) {}

  async request(req: ApiRequest): Promise<ApiResponse> {
    const policy = retry(handleWhen((e) => e instanceof PosApiError && e.retryable), {
      maxAttempts: this.cfg.maxAttempts - 1,
      backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => retryDelay(ctx.attempt, this.cfg.retryBaseMs, 'error' in ctx.result ? ctx.result.error : undefined)),
    });
    return policy.execute(() => this.attempt(req));
  }

  private async attempt(req: ApiRequest): Promise<ApiResponse> {
    const set = this.endpoints[req.provider];
    const ep = set.active;
    try {
      return await ep.breaker.execute(() => this.send(set, ep, req));
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        set.moveOff('automatic', 'breaker_open', 'system');
        this.metrics.apiRequests.inc({ provider: req.provider, endpoint: ep.name, status: 'breaker_open' });
        throw new PosApiError(`${req.provider} ${ep.name} circuit open`, 'breaker_open', null, true, false);
      }
      throw err;
    }
  }

  private async send(set: ProviderEndpoints, ep: Endpoint, req: ApiRequest): Promise<ApiResponse> {
    const { origin, path } = resolveUrl(ep, req);
    const count = (status: string) => this.metrics.apiRequests.inc({ provider: req.provider, endpoint: ep.name, status });
    let res;
    try {
      res = await (await set.poolFor(ep, origin)).request({ method: req.method ?? 'GET', path, headers: { accept: 'application/json', ...req.headers }, body: req.body ?? null, headersTimeout: this.cfg.timeoutMs, bodyTimeout: this.cfg.timeoutMs });
    } catch (err) {
      count('error');
      ep.lastError = networkError(err).message;
      throw networkError(err);
    }
    let body: string;
    try {
      body = await readLimited(res.body);
    } catch (err) {
      count('error');
      throw networkError(err);
    }
    count(String(res.statusCode));
    if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, headers: res.headers, body };
    const error = errorForStatus(res.statusCode, res.headers['retry-after'], body);
    if (error.endpointFailure) ep.lastError = error.message;
    throw error;
  }
}

async function readLimited(body: AsyncIterable<Buffer> & { text(): Promise<string> }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new PosApiError('response body too large', 'invalid_response', null, false, false);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
