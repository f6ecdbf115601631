import { loadUndici } from '../core/undici.js';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { BatchPayment } from './payout-batch.js';
import type { ApiPayment, PayoutProvider, TransferOutcome } from './payout-provider.js';

/**
 * Stripe Connect Express payouts: one Transfer (POST /v1/transfers, form-encoded as Stripe expects)
 * per payout from the platform balance to the customer's connected account. The Idempotency-Key is
 * derived from the payout id, so a retried or replayed submission can never create a second transfer:
 * Stripe answers a repeated key with the first transfer. 4xx answers are final (the payout fails with
 * Stripe's reason and the money is owed again); 429, 5xx and network errors are retried with backoff
 * and, if they persist, leave the payout pending for a later submission with the same key.
 */

export interface StripeConnectOptions {
  apiBase: string;
  secretKey: string;
  /** Attempts per transfer (first try included). */
  maxAttempts?: number;
  initialDelayMs?: number;
  timeoutMs?: number;
}

/** Pinned so Stripe's answers keep the shape this code reads. */
export const STRIPE_API_VERSION = '2024-06-20';

export const transferIdempotencyKey = (payoutId: string) => `kvittra-payout-${payoutId}`;

class RetryableStripeError extends Error {}

interface StripeErrorBody {
  error?: { type?: string; code?: string; decline_code?: string; message?: string };
}

/** Form body as Stripe reads it: nested keys in brackets (metadata[payout_id]=…). */
export function stripeForm(fields: Record<string, string | number | Record<string, string>>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) form.append(`${key}[${k}]`, v);
    else form.append(key, String(value));
  }
  return form.toString();
}

function failureReason(status: number, body: StripeErrorBody): string {
  const e = body.error ?? {};
  const code = [e.code, e.decline_code].filter(Boolean).join('/');
  return `stripe ${status}${code ? ` ${code}` : ''}: ${(e.message ?? 'request refused').slice(0, 300)}`;
}

export class StripeConnectPayoutProvider implements PayoutProvider {
  readonly name = 'stripe-connect';
  readonly mode = 'api' as const;
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: StripeConnectOptions) {
    this.maxAttempts = opts.maxAttempts ?? 4;
    this.initialDelayMs = opts.initialDelayMs ?? 500;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  /** There is no file: the batch is paid through submitBatch (POST /admin/payout-batches/:id/submit). */
  async prepare(batchId: string, _payments: BatchPayment[]) {
    return { kind: 'submitted' as const, reference: `stripe-transfer-group:${batchId}` };
  }

  async pay(payment: ApiPayment): Promise<TransferOutcome> {
    if (!payment.destination) return { status: 'failed', reason: 'no connected Stripe account registered for this phone number' };
    if (payment.currency !== 'SEK') return { status: 'failed', reason: `unsupported currency ${payment.currency}` };
    const policy = retry(handleWhen((err) => err instanceof RetryableStripeError || isNetworkError(err)), {
      maxAttempts: this.maxAttempts - 1,
      backoff: new ExponentialBackoff({ initialDelay: this.initialDelayMs, maxDelay: this.initialDelayMs * 16 }),
    });
    try {
      return await policy.execute(() => this.transfer(payment));
    } catch (err) {
      if (err instanceof RetryableStripeError || isNetworkError(err)) return { status: 'retry_later', reason: (err as Error).message };
      throw err;
    }
  }

  private async transfer(payment: ApiPayment): Promise<TransferOutcome> {
    const body = stripeForm({
      amount: payment.amountMinor,
      currency: 'sek',
      destination: payment.destination!,
      transfer_group: payment.batchId,
      description: 'Kvittra feedback reward',
      metadata: { payout_id: payment.payoutId, batch_id: payment.batchId },
    });
    const { request } = await loadUndici();
    const res = await request(`${this.opts.apiBase}/v1/transfers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.opts.secretKey}`,
        'content-type': 'application/x-www-form-urlencoded',
        'idempotency-key': transferIdempotencyKey(payment.payoutId),
        'stripe-version': STRIPE_API_VERSION,
      },
      body,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    const json = parseJson(text);
    if (res.statusCode >= 200 && res.statusCode < 300) {
      const id = (json as { id?: unknown }).id;
      if (typeof id !== 'string' || !id.startsWith('tr_')) throw new RetryableStripeError(`stripe ${res.statusCode}: answer without a transfer id`);
      return { status: 'paid', reference: id };
    }
    // 409 = the same key is still being processed by Stripe (a concurrent request); 429 = rate limited.
    if (res.statusCode >= 500 || res.statusCode === 429 || res.statusCode === 409) throw new RetryableStripeError(failureReason(res.statusCode, json as StripeErrorBody));
    return { status: 'failed', reason: failureReason(res.statusCode, json as StripeErrorBody) };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(UND_ERR_|ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN)/.test(code);
}
