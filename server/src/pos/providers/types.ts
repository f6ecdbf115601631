/** Providers whose POS webhooks we ingest. */
export const POS_PROVIDERS = ['square', 'shopify', 'zettle'] as const;
export type PosProvider = (typeof POS_PROVIDERS)[number];

/** What a provider adapter needs to know about the connection a webhook arrived on. */
export interface ConnectionContext {
  provider: PosProvider;
  /** Square merchant id, Shopify shop domain, Zettle organization UUID. */
  externalMerchantId: string;
  /** Square location id, Shopify location id; null for Zettle or "any location of this merchant". */
  externalLocationId: string | null;
  /** The subscription signing key / client secret, decrypted. */
  signingKey: string;
  /** The notification URL exactly as registered with the provider (Square signs it). */
  webhookUrl: string;
}

/** Incoming request as the adapter sees it: raw bytes before any parsing, lower-cased header names. */
export interface RawWebhook {
  rawBody: Buffer;
  headers: Record<string, string | undefined>;
}

/** A completed sale, normalised. Amounts are integer minor units (öre for SEK). */
export interface NormalisedSale {
  externalId: string; // provider payment/order/purchase id, kept as a string (Shopify ids are 64-bit)
  amountMinor: number;
  currency: string; // ISO 4217, upper case
  occurredAt: string; // ISO 8601 UTC with milliseconds, e.g. 2026-01-02T03:04:05.000Z
  externalLocationId: string | null;
  cardLast4: string | null;
  lineItemCount: number | null;
}

/** A refund against an earlier sale. */
export interface NormalisedRefund {
  externalRefundId: string;
  externalPaymentId: string; // the sale's externalId it refunds
  amountMinor: number; // positive
  currency: string;
  status: 'pending' | 'completed' | 'failed';
  occurredAt: string;
  externalLocationId: string | null;
}

export type NormalisedEffect =
  | { kind: 'sale'; sale: NormalisedSale }
  | { kind: 'refund'; refund: NormalisedRefund }
  | { kind: 'ignored'; reason: string };

export interface NormalisedEvent {
  /** The provider's idempotency key: Square event_id, Shopify X-Shopify-Event-Id, Zettle messageId. */
  eventId: string;
  eventType: string; // e.g. payment.updated, orders/paid, PurchaseCreated
  /** Merchant the payload claims to be for (compared with the connection). */
  merchantId: string;
  /** Location the payload claims to be for, when the provider says. */
  locationId: string | null;
  effect: NormalisedEffect;
}

/** Result of parsing a verified payload. `invalid` → 400 + dead letter. */
export type ParseResult =
  | { ok: true; event: NormalisedEvent }
  | { ok: false; reason: string; details?: unknown };

export interface ProviderAdapter {
  provider: PosProvider;
  /** Constant-time signature check over the raw body exactly as the provider signs it. Never throws. */
  verifySignature(req: RawWebhook, conn: ConnectionContext): boolean;
  /** Parse and normalise a payload whose signature was valid. Never throws. */
  parse(req: RawWebhook, conn: ConnectionContext): ParseResult;
}
