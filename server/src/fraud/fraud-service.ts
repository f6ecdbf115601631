import type { Kysely, Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { newId, nowIso } from '../core/ids.js';
import type { SessionRow } from '../feedback/session-service.js';
import {
  combineRisk,
  deserializeSignature,
  duplicateTextSignal,
  estimateJaccard,
  evaluateVelocity,
  fingerprintText,
  gibberishScore,
  gibberishSignal,
  instantClaimSignal,
  nearDuplicateSignal,
  priorFraudSignal,
  failedVerificationsSignal,
  bannedDeviceLinkSignal,
  DEFAULT_NEAR_DUPLICATE_THRESHOLD,
  type RiskSignal,
  type RiskSummary,
  type MinHashSignature,
  type TextFingerprint,
} from './index.js';

export interface RiskAssessment {
  score: number;
  summary: RiskSummary;
  signals: RiskSignal[];
  fingerprints: TextFingerprint;
}

const DAY_MS = 86_400_000;
const MAX_CANDIDATES = 200;

/** LSH: only sessions sharing a band key are compared, so this never scans all feedback (index key, kind, session_id). */
export function candidateSessions(db: Kysely<Database>, bandKeys: string[], sessionId: string) {
  return db.selectFrom('text_fingerprints').select('session_id').distinct().where('kind', '=', 'band').where('key', 'in', bandKeys).where('session_id', '!=', sessionId).limit(MAX_CANDIDATES);
}

/** Each candidate's one signature row, found through (session_id, kind). */
export function storedSignatures(db: Kysely<Database>, sessionIds: string[]) {
  return db.selectFrom('text_fingerprints').select(['session_id', 'key']).where('kind', '=', 'sig').where('session_id', 'in', sessionIds);
}

/**
 * A session's signature never changes, and the sessions sharing band keys with new feedback are mostly the same
 * recent ones: reading and decoding up to 200 signatures per finished conversation was ~1 ms. Only sessions the
 * database just returned as candidates are looked up, so an erased session (its rows deleted) is never compared.
 * One bounded LRU per database (5 000 × 512 bytes).
 */
const signatureCaches = new WeakMap<object, LRUCache<string, MinHashSignature>>();

/** Decoded signatures of the given sessions (those that have one), from the cache or the database. */
export async function candidateSignatures(db: Kysely<Database>, sessionIds: string[], cacheSize = 5_000): Promise<MinHashSignature[]> {
  let cache = signatureCaches.get(db);
  if (!cache) signatureCaches.set(db, (cache = new LRUCache({ max: cacheSize })));
  // Taken out of the cache first: storing the missing ones may evict entries this call already counted on.
  const found: MinHashSignature[] = [];
  const missing: string[] = [];
  for (const id of sessionIds) {
    const sig = cache.get(id);
    if (sig) found.push(sig);
    else missing.push(id);
  }
  if (missing.length > 0) {
    for (const row of await storedSignatures(db, missing).execute()) {
      const sig = deserializeSignature(row.key);
      cache.set(row.session_id, sig);
      found.push(sig);
    }
  }
  return found;
}

async function textSignals(ctx: AppContext, sessionId: string, fp: TextFingerprint): Promise<RiskSignal[]> {
  if (!fp.eligible) return [];
  const exact = await ctx.db.kysely.selectFrom('text_fingerprints').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'exact').where('key', '=', fp.exactKey).where('session_id', '!=', sessionId).executeTakeFirstOrThrow();
  const signals = [duplicateTextSignal(Number(exact.n), { wordCount: fp.wordCount })];
  const candidates = await candidateSessions(ctx.db.kysely, fp.bandKeys, sessionId).execute();
  if (candidates.length > 0) {
    const sigs = await candidateSignatures(ctx.db.kysely, candidates.map((c) => c.session_id));
    const mine = deserializeSignature(fp.signature);
    const sims = sigs.map((sig) => estimateJaccard(mine, sig));
    const near = sims.filter((s) => s >= DEFAULT_NEAR_DUPLICATE_THRESHOLD);
    signals.push(nearDuplicateSignal(Math.max(0, ...sims), near.length));
  }
  return signals;
}

async function countSessions(ctx: AppContext, session: SessionRow, column: 'device_hash' | 'ip_hash' | 'phone_hash', since: string, sameBusiness = false): Promise<number | undefined> {
  const value = session[column];
  if (!value) return undefined;
  let q = ctx.db.kysely.selectFrom('feedback_sessions').select((eb) => eb.fn.countAll<number>().as('n')).where(column, '=', value).where('id', '!=', session.id).where('verified_at', 'is not', null).where('created_at', '>=', since);
  if (sameBusiness) q = q.where('business_id', '=', session.business_id);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

async function behaviourSignals(ctx: AppContext, session: SessionRow, now: Date): Promise<RiskSignal[]> {
  const dayAgo = new Date(now.getTime() - DAY_MS).toISOString();
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS).toISOString();
  const otherLocations = session.device_hash
    ? await ctx.db.kysely.selectFrom('feedback_sessions').select('location_id').distinct().where('device_hash', '=', session.device_hash).where('location_id', '!=', session.location_id).where('created_at', '>=', dayAgo).execute()
    : [];
  const signals = evaluateVelocity({
    deviceLast24h: await countSessions(ctx, session, 'device_hash', dayAgo),
    ipLast24h: await countSessions(ctx, session, 'ip_hash', dayAgo),
    phoneLast24h: await countSessions(ctx, session, 'phone_hash', dayAgo),
    phoneSameBusinessLast7d: await countSessions(ctx, session, 'phone_hash', weekAgo, true),
    locationsLast24hForDevice: session.device_hash ? otherLocations.length : undefined,
  });
  if (session.purchased_at && session.verified_at) {
    const seconds = (Date.parse(session.verified_at) - Date.parse(session.purchased_at)) / 1000;
    signals.push(instantClaimSignal(Math.max(0, seconds), otherLocations.length));
  }
  if (session.device_hash || session.phone_hash) {
    const prior = await ctx.db.kysely
      .selectFrom('rewards as r')
      .innerJoin('feedback_sessions as s', 's.id', 'r.session_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('r.status', '=', 'rejected')
      .where((eb) => eb.or([...(session.device_hash ? [eb('s.device_hash', '=', session.device_hash)] : []), ...(session.phone_hash ? [eb('s.phone_hash', '=', session.phone_hash)] : [])]))
      .executeTakeFirstOrThrow();
    signals.push(priorFraudSignal(Number(prior.n)));
  }
  signals.push(verifyFailuresSignal(session), bannedDeviceLinkSignal(await bannedDevicesAtAddress(ctx, session, now)));
  return signals;
}

/** The misses recorded when the purchase was claimed (feedback/verify-service.ts); none for older sessions. */
function verifyFailuresSignal(session: SessionRow): RiskSignal {
  const evidence = session.verify_evidence ? (JSON.parse(session.verify_evidence) as { failures?: number; locationUnderAttack?: boolean }) : {};
  return failedVerificationsSignal(evidence.failures ?? 0, evidence.locationUnderAttack === true);
}

/** Active device bans whose device used this session's address within the last 7 days. */
async function bannedDevicesAtAddress(ctx: AppContext, session: SessionRow, now: Date): Promise<number> {
  if (!session.ip_hash) return 0;
  const row = await ctx.db.kysely
    .selectFrom('bans as b')
    .innerJoin('feedback_sessions as s', 's.device_hash', 'b.value_hash')
    .select((eb) => eb.fn.count<number>('b.id').distinct().as('n'))
    .where('b.kind', '=', 'device')
    .where('b.status', '=', 'active')
    .where((eb) => eb.or([eb('b.expires_at', 'is', null), eb('b.expires_at', '>', now.toISOString())]))
    .where('s.ip_hash', '=', session.ip_hash)
    .where('s.id', '!=', session.id)
    .where('s.created_at', '>=', new Date(now.getTime() - 7 * DAY_MS).toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Risk of one finished session: copied or near-copied text (exact key and MinHash/LSH), gibberish,
 * velocity per device/IP/phone, a claim made seconds after paying by a device seen at other shops,
 * rejected rewards before, failed verifications before the claim, and an address a banned device used.
 * Signals combine by noisy-OR, so one strong signal is enough to hold.
 */
export async function assessSessionRisk(ctx: AppContext, session: SessionRow, text: string, now = new Date()): Promise<RiskAssessment> {
  const fingerprints = fingerprintText(text);
  if (!ctx.config.fraud.enabled) {
    const summary = combineRisk([]);
    return { score: summary.score, summary, signals: [], fingerprints };
  }
  const signals = [...(await textSignals(ctx, session.id, fingerprints)), gibberishSignal(gibberishScore(text)), ...(await behaviourSignals(ctx, session, now))].filter((s) => s.strength > 0);
  const summary = combineRisk(signals, { holdThreshold: ctx.config.fraud.holdThreshold });
  return { score: summary.score, summary, signals, fingerprints };
}

export async function storeFingerprints(trx: Transaction<Database>, sessionId: string, fp: TextFingerprint): Promise<void> {
  const now = nowIso();
  const rows = [
    { kind: 'exact', key: fp.exactKey },
    { kind: 'sig', key: fp.signature },
    ...fp.bandKeys.map((key) => ({ kind: 'band', key })),
  ].map((r) => ({ id: newId(), session_id: sessionId, created_at: now, ...r }));
  for (let i = 0; i < rows.length; i += 100) await trx.insertInto('text_fingerprints').values(rows.slice(i, i + 100)).execute();
}
