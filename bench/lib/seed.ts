/**
 * The data generator behind `npm run seed:data` and the benchmark scenarios. Tenants, locations and
 * POS connections go through the server's own services (so they are exactly what the admin API would
 * create, signing keys encrypted); transactions, refunds and feedback sessions are bulk-inserted in
 * large transactions with raw prepared statements on SQLite and `unnest` arrays on PostgreSQL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import cliProgress from 'cli-progress';
import { openDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrate.js';
import { createBusiness } from '../../server/src/businesses/business-service.js';
import { decideApproval } from '../../server/src/admin-console/approval-routes.js';
import { createLocation } from '../../server/src/locations/location-service.js';
import { createConnection } from '../../server/src/pos/connection-service.js';
import { newId } from '../../server/src/core/ids.js';
import type { DatabaseTarget } from '../../server/src/config/load.js';
import { BUSINESS_TYPES } from '../../server/src/businesses/business-types.js';
import { CITIES, SHOP_NAMES, STREETS, WEEKDAY_WEIGHT, feedbackText, logNormal, orgNumber, pick, prng, randInt, saleSecondOfDay, stockholmMidnightUtc, swedishAmountMinor, uuidV4, uuidV7At, type Rng } from './swedish.js';
import { openSink, type FeedbackRow, type RefundRow, type TxRow } from './seed-sink.js';

export type Provider = 'square' | 'shopify' | 'zettle';
const PROVIDERS: Provider[] = ['square', 'shopify', 'zettle'];

export interface SeedOptions {
  transactions: number;
  locations: number;
  /** Whole local days before today that receive sales (today itself stays empty). */
  days: number;
  feedback: number;
  /** Locations per business (a chain has several); default 4. */
  locationsPerBusiness?: number;
  seed?: number;
  progress?: boolean;
  now?: Date;
  log?: (line: string) => void;
}

export interface SeedTarget {
  database: DatabaseTarget;
  encryptionKey: Buffer;
  publicBaseUrl: string;
}

export interface SeededConnection {
  id: string;
  provider: Provider;
  businessId: string;
  locationId: string;
  qrToken: string;
  webhookUrl: string;
  signingKey: string;
  merchantId: string;
  externalLocationId: string | null;
}

export interface SeedResult {
  businesses: number;
  connections: SeededConnection[];
  transactions: number;
  refunds: number;
  feedbackSessions: number;
  seconds: number;
  transactionSeconds: number;
  rowsPerSecond: number;
}

const ACTOR = { actor: 'seed:data', ip: null };

function merchantIds(provider: Provider, rng: Rng): { merchantId: string; externalLocationId: string | null } {
  const tag = Math.floor(rng() * 36 ** 8).toString(36).toUpperCase().padStart(8, '0');
  if (provider === 'square') return { merchantId: `SQM${tag}`, externalLocationId: `SQL${tag}` };
  if (provider === 'shopify') return { merchantId: `bench-${tag.toLowerCase()}.myshopify.com`, externalLocationId: String(randInt(rng, 10_000_000, 99_999_999)) };
  return { merchantId: randomUUID(), externalLocationId: null };
}

/** Businesses → locations → one POS connection per location (providers in turn), through the server's services. */
async function createTenants(target: SeedTarget, opts: SeedOptions, rng: Rng): Promise<{ businesses: number; connections: SeededConnection[] }> {
  const db = openDatabase(target.database, { sqliteSynchronous: 'NORMAL' });
  try {
    await migrateToLatest(db);
    const perBusiness = Math.max(1, opts.locationsPerBusiness ?? 4);
    const connections: SeededConnection[] = [];
    let businessId = '';
    let businesses = 0;
    for (let i = 0; i < opts.locations; i++) {
      if (i % perBusiness === 0) {
        const name = `${pick(rng, SHOP_NAMES)} ${pick(rng, CITIES)}`;
        for (let attempt = 0; ; attempt++) {
          try {
            businessId = (await createBusiness(db, { name, orgNumber: orgNumber(rng), businessType: pick(rng, BUSINESS_TYPES), email: `agare${businesses}@example.se` }, ACTOR)).id;
            break;
          } catch (err) {
            if (attempt > 20) throw err; // org number already taken in a reused database: draw another
          }
        }
        // Customers only find approved businesses: the seeded ones are live.
        await decideApproval(db, businessId, 'approved', undefined, ACTOR);
        businesses++;
      }
      const loc = await createLocation(db, businessId, { name: `Butik ${i + 1}`, address: `${pick(rng, STREETS)} ${randInt(rng, 1, 120)}, ${pick(rng, CITIES)}` }, ACTOR);
      const provider = PROVIDERS[i % PROVIDERS.length]!;
      const ids = merchantIds(provider, rng);
      const signingKey = `bench-${provider}-${randomBytes(12).toString('hex')}`;
      const row = await createConnection(db, target.encryptionKey, target.publicBaseUrl, businessId, { provider, locationId: loc.id, externalMerchantId: ids.merchantId, externalLocationId: ids.externalLocationId, signingKey }, ACTOR, { byBusinessUser: false });
      connections.push({ id: row.id, provider, businessId, locationId: loc.id, qrToken: loc.qr_token, webhookUrl: row.webhook_url, signingKey, merchantId: row.external_merchant_id, externalLocationId: row.external_location_id });
    }
    return { businesses, connections };
  } finally {
    await db.close();
  }
}

/** Exact integer split of `total` over weighted cells (largest share first, remainder spread at random). */
function allocate(total: number, weights: number[], rng: Rng): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((total * w) / sum));
  let rest = total - counts.reduce((a, b) => a + b, 0);
  while (rest-- > 0) counts[Math.floor(rng() * counts.length)]! += 1;
  return counts;
}

function externalId(provider: Provider, seq: number, rng: Rng): string {
  if (provider === 'square') return `${Math.floor(rng() * 36 ** 10).toString(36).padStart(10, '0')}${seq.toString(36).padStart(12, '0')}`.toUpperCase();
  if (provider === 'shopify') return String(5_400_000_000_000 + seq);
  return uuidV4(rng);
}

/** Marks `k` distinct indices out of `n` (for feedback sessions on random purchases). */
function sampleIndices(n: number, k: number, rng: Rng): Uint8Array {
  const marks = new Uint8Array(n);
  let left = Math.min(k, n);
  while (left > 0) {
    const i = Math.floor(rng() * n);
    if (!marks[i]) {
      marks[i] = 1;
      left--;
    }
  }
  return marks;
}

function feedbackFor(tx: TxRow, rng: Rng): FeedbackRow {
  const created = new Date(Date.parse(tx.occurredAt) + randInt(rng, 3, 180) * 60_000);
  const score = Math.round(Math.min(100, Math.max(5, logNormal(rng, 58, 0.35))));
  const iso = created.toISOString();
  const later = new Date(created.getTime() + randInt(rng, 60, 400) * 1000).toISOString();
  return {
    id: newId(),
    businessId: tx.businessId,
    locationId: tx.locationId,
    transactionId: tx.id,
    amountMinor: tx.amountMinor,
    purchasedAt: tx.occurredAt,
    createdAt: iso,
    verifiedAt: new Date(created.getTime() + 40_000).toISOString(),
    scoredAt: later,
    expiresAt: new Date(created.getTime() + 30 * 60_000).toISOString(),
    score,
    sentiment: Math.round((rng() * 1.6 - 0.6) * 100) / 100,
    text: feedbackText(rng),
    tokenHash: randomBytes(32).toString('base64url'),
    deviceHash: randomBytes(16).toString('hex'),
    ipHash: randomBytes(16).toString('hex'),
  };
}

/**
 * Seeds one database: tenants through the services, then `transactions` card sales spread over the
 * last `days` local days inside opening hours, with weekday rhythm and busier and quieter shops.
 */
export async function seedData(target: SeedTarget, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const rng = prng(opts.seed ?? 20_251_123);
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? new Date();
  if (opts.locations < 1) throw new Error('--locations must be at least 1');
  if (opts.days < 1) throw new Error('--days must be at least 1');
  const tenants = await createTenants(target, opts, rng);
  log(`created ${tenants.businesses} businesses, ${tenants.connections.length} locations with POS connections (${((performance.now() - started) / 1000).toFixed(1)} s)`);

  const sink = await openSink(target.database);
  const txStarted = performance.now();
  const locWeights = tenants.connections.map(() => logNormal(rng, 1, 0.5));
  const days = Array.from({ length: opts.days }, (_, i) => stockholmMidnightUtc(now, opts.days - i));
  const cells = days.flatMap((d) => locWeights.map((w) => w * WEEKDAY_WEIGHT[d.weekday]!));
  const counts = allocate(opts.transactions, cells, rng);
  const feedbackMarks = sampleIndices(opts.transactions, opts.feedback, rng);
  const bar = opts.progress && opts.transactions > 0 ? new cliProgress.SingleBar({ format: 'transactions |{bar}| {percentage}% | {value}/{total} | {rate} rows/s | ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
  bar?.start(opts.transactions, 0, { rate: '0' });

  let seq = 0;
  let refunds = 0;
  const feedback: FeedbackRow[] = [];
  const BATCH = 50_000;
  let pending: TxRow[] = [];
  let pendingRefunds: RefundRow[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    await sink.insert(pending, pendingRefunds);
    pending = [];
    pendingRefunds = [];
    const secs = (performance.now() - txStarted) / 1000;
    bar?.update(seq, { rate: Math.round(seq / Math.max(secs, 0.001)).toLocaleString('sv-SE') });
  };

  for (let d = 0; d < days.length; d++) {
    const day: TxRow[] = [];
    const { midnightUtcMs } = days[d]!;
    for (let l = 0; l < tenants.connections.length; l++) {
      const conn = tenants.connections[l]!;
      for (let k = counts[d * tenants.connections.length + l]!; k > 0; k--) {
        const occurredMs = midnightUtcMs + Math.floor(saleSecondOfDay(rng) * 1000);
        const amountMinor = swedishAmountMinor(rng);
        const r = rng();
        const refunded = r < 0.006 ? amountMinor : r < 0.009 ? Math.round(amountMinor * 0.3) : 0;
        day.push({
          id: '',
          businessId: conn.businessId,
          locationId: conn.locationId,
          connectionId: conn.id,
          provider: conn.provider,
          externalId: '',
          amountMinor,
          occurredAt: new Date(occurredMs).toISOString(),
          createdAt: new Date(occurredMs + randInt(rng, 1_000, 20_000)).toISOString(),
          cardLast4: rng() < 0.9 ? String(randInt(rng, 0, 9999)).padStart(4, '0') : null,
          lineItemCount: randInt(rng, 1, 6),
          status: refunded === 0 ? 'completed' : refunded === amountMinor ? 'refunded' : 'partially_refunded',
          refundedMinor: refunded,
        });
      }
    }
    // Inserted in sale order, as webhooks arrive; time-ordered UUIDv7 keys follow the same order.
    day.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
    for (const tx of day) {
      tx.id = uuidV7At(Date.parse(tx.createdAt), rng);
      tx.externalId = externalId(tx.provider as Provider, seq, rng);
      if (feedbackMarks[seq] && tx.status === 'completed') feedback.push(feedbackFor(tx, rng));
      if (tx.refundedMinor > 0) {
        refunds++;
        pendingRefunds.push({ id: uuidV7At(Date.parse(tx.occurredAt) + 3_600_000, rng), connectionId: tx.connectionId, externalRefundId: `R${tx.externalId}`, externalPaymentId: tx.externalId, amountMinor: tx.refundedMinor, occurredAt: new Date(Date.parse(tx.occurredAt) + 3_600_000).toISOString() });
      }
      pending.push(tx);
      seq++;
      if (pending.length >= BATCH) await flush();
    }
  }
  await flush();
  bar?.stop();
  const transactionSeconds = (performance.now() - txStarted) / 1000;
  if (feedback.length > 0) await sink.insertFeedback(feedback);
  await sink.finish();
  const seconds = (performance.now() - started) / 1000;
  log(`inserted ${seq.toLocaleString('sv-SE')} transactions, ${refunds} refunds, ${feedback.length} feedback sessions in ${seconds.toFixed(1)} s (${Math.round(seq / Math.max(transactionSeconds, 0.001)).toLocaleString('sv-SE')} transactions/s)`);
  return { businesses: tenants.businesses, connections: tenants.connections, transactions: seq, refunds, feedbackSessions: feedback.length, seconds, transactionSeconds, rowsPerSecond: seq / Math.max(transactionSeconds, 0.001) };
}
