import { payoutCsv, type BatchPayment } from './payout-batch.js';

/**
 * How payments leave the platform. Today the operator uploads a Swish bulk-payment file and confirms the
 * batch (mark-paid); a Swish payouts API provider can replace this without touching the ledger, which only
 * ever moves money the server computed.
 */
export interface PayoutProvider {
  readonly name: string;
  /** Prepares the batch for the provider: a file for manual upload, or a submission reference for an API. */
  prepare(batchId: string, payments: BatchPayment[]): Promise<{ kind: 'file'; contentType: string; filename: string; body: string } | { kind: 'submitted'; reference: string }>;
}

/** Swish Företag bulk payout file (semicolon CSV with BOM), confirmed by the operator afterwards. */
export class SwishFilePayoutProvider implements PayoutProvider {
  readonly name = 'swish-file';

  async prepare(batchId: string, payments: BatchPayment[]) {
    const body = payoutCsv({ payments, skipped: [], invalid: [], totalMinor: payments.reduce((s, p) => s + p.amountMinor, 0) });
    return { kind: 'file' as const, contentType: 'text/csv; charset=utf-8', filename: `kvittra-utbetalning-${batchId}.csv`, body };
  }
}
