import { payoutCsv, type BatchPayment } from './payout-batch.js';

/**
 * How payments leave the platform. Swish (the default): the operator uploads a bulk-payment file and
 * confirms the batch (mark-paid). Stripe Connect Express (stripe-connect.ts): each payout is sent as
 * a Transfer through the API. Either way the ledger only ever moves money the server computed.
 */
export interface PayoutProvider {
  readonly name: string;
  /** 'file': prepare() gives a file and the operator confirms; 'api': pay() sends each payout. */
  readonly mode: 'file' | 'api';
  /** Prepares the batch for the provider: a file for manual upload, or a submission reference for an API. */
  prepare(batchId: string, payments: BatchPayment[]): Promise<{ kind: 'file'; contentType: string; filename: string; body: string } | { kind: 'submitted'; reference: string }>;
  /** API providers: send one payout (idempotent per payoutId). */
  pay?(payment: ApiPayment): Promise<TransferOutcome>;
}

/** One payout as an API provider sends it; the amount comes from the payouts row the server wrote. */
export interface ApiPayment {
  payoutId: string;
  batchId: string;
  amountMinor: number;
  currency: 'SEK';
  /** The provider's account for this customer (a Stripe connected account id), null when none is registered. */
  destination: string | null;
}

/** paid: money sent (reference = provider id); failed: final refusal; retry_later: unknown or transient, keep pending. */
export type TransferOutcome = { status: 'paid'; reference: string } | { status: 'failed'; reason: string } | { status: 'retry_later'; reason: string };

/** Swish Företag bulk payout file (semicolon CSV with BOM), confirmed by the operator afterwards. */
export class SwishFilePayoutProvider implements PayoutProvider {
  readonly name = 'swish-file';
  readonly mode = 'file' as const;

  async prepare(batchId: string, payments: BatchPayment[]) {
    const body = payoutCsv({ payments, skipped: [], invalid: [], totalMinor: payments.reduce((s, p) => s + p.amountMinor, 0) });
    return { kind: 'file' as const, contentType: 'text/csv; charset=utf-8', filename: `kvittra-utbetalning-${batchId}.csv`, body };
  }
}
