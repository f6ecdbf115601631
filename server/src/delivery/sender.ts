import type { Agent } from 'undici';
import { loadUndici } from '../core/undici.js';
import { deliveryPolicy, guardedLookup, urlProblem, type DestinationPolicy, type Resolver } from './url-guard.js';
import { parseRetryAfter } from './retry-policy.js';
import type { SignedHeaders } from './signing.js';

export interface SendResult {
  status: number | null;
  latencyMs: number;
  retryAfterMs: number | null;
  /** At most 1 KB of the response body, for the attempts log. */
  excerpt: string | null;
  error: string | null;
  /** Set when retrying cannot help (the destination is not allowed). */
  permanentError?: string;
}

const EXCERPT_BYTES = 1024;

/** Reads at most 1 KB of the body and drops the rest, so a huge or endless response cannot hold us. */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= EXCERPT_BYTES) break;
  }
  body.destroy?.();
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

/**
 * POSTs signed webhooks with undici: guarded connection pools (one strict, one that may also reach loopback,
 * used only for URLs that name loopback where that is enabled), a hard timeout, no redirects.
 */
export class WebhookSender {
  /** Created on first use, when undici is loaded: keyed by whether loopback is allowed. */
  private readonly agents = new Map<boolean, Agent>();

  constructor(
    private readonly loopbackEnabled: boolean,
    private readonly timeoutMs: number,
    /** Tests replace DNS to prove refusal without connecting anywhere but loopback. */
    private readonly resolve?: Resolver,
  ) {}

  /** Never takes longer than the timeout (plus a margin), whatever the connection pool is doing. */
  async send(url: string, headers: SignedHeaders, body: string): Promise<SendResult> {
    const start = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<SendResult>((resolve) => {
      timer = setTimeout(() => resolve({ status: null, latencyMs: Math.round(performance.now() - start), retryAfterMs: null, excerpt: null, error: `timed out after ${this.timeoutMs} ms` }), this.timeoutMs + 250);
    });
    try {
      return await Promise.race([this.attempt(url, headers, body), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async agentFor(policy: DestinationPolicy): Promise<Agent> {
    const { Agent } = await loadUndici();
    let agent = this.agents.get(policy.loopback);
    if (!agent) {
      agent = new Agent({ connect: { lookup: guardedLookup(policy, this.resolve), timeout: this.timeoutMs }, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, connections: 16 });
      this.agents.set(policy.loopback, agent);
    }
    return agent;
  }

  private async attempt(url: string, headers: SignedHeaders, body: string): Promise<SendResult> {
    const policy = deliveryPolicy(this.loopbackEnabled, url);
    const problem = urlProblem(url, policy);
    const start = performance.now();
    const elapsed = () => Math.round(performance.now() - start);
    if (problem) return { status: null, latencyMs: 0, retryAfterMs: null, excerpt: null, error: `destination not allowed: ${problem}`, permanentError: 'destination not allowed' };
    try {
      const { request } = await loadUndici();
      const res = await request(url, {
        method: 'POST',
        dispatcher: await this.agentFor(policy),
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Kvittra-Webhooks/1' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const excerpt = await readExcerpt(res.body).catch(() => null);
      const retryAfter = res.headers['retry-after'];
      return { status: res.statusCode, latencyMs: elapsed(), retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter), excerpt, error: null };
    } catch (err) {
      const e = err as Error & { code?: string };
      const message = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timed out after ${this.timeoutMs} ms` : `${e.code ?? e.name}: ${e.message}`;
      const permanent = e.code === 'EDESTINATION' || (e.cause as { code?: string } | undefined)?.code === 'EDESTINATION';
      return { status: null, latencyMs: elapsed(), retryAfterMs: null, excerpt: null, error: message.slice(0, 500), ...(permanent ? { permanentError: 'destination not allowed' } : {}) };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close()));
  }
}
