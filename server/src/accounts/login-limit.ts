import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { newId } from '../core/ids.js';
import { networkOf } from './client-network.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Failed sign-ins are limited per account **and** client network (see networkOf), so an attacker slows down
 * only their own guessing: 5 failures free, then a wait of 15 min after the 5th failure, doubling with each
 * further one up to a day (about 11 guesses a day per network and account, against 480 under the old
 * account-wide 5-per-15-min limit — which also let anybody lock anybody out). The whole account is locked only
 * when failures come from many networks within an hour (a distributed attack), and even then not for networks
 * the user signed in from in the last 30 days; an operator unlock or a password reset lifts it.
 */
export const LOGIN_LIMITS = {
  freeFailuresPerAddress: 5,
  firstDelayMs: 15 * MINUTE,
  maxDelayMs: 24 * HOUR,
  /** How far back an address's failures count towards its delay (and how long failures are kept). */
  addressLookbackMs: 24 * HOUR,
  /**
   * Password spraying: failures from one network across all accounts. Above the per-address allowance, so one
   * user mistyping is held by the per-address wait (which an operator can lift), not by this.
   */
  perNetworkFailures: 10,
  perNetworkWindowMs: 15 * MINUTE,
  /** A distributed attack: failures on one account from this many networks within the window. */
  distributedNetworks: 10,
  distributedWindowMs: HOUR,
  knownNetworkMs: 30 * 24 * HOUR,
} as const;

export type LoginVerdict = { limited: false } | { limited: true; retryAfterSeconds: number; scope: 'network' | 'address' | 'account' };

export interface LoginLockState {
  /** The account's failures kept (last 24 h) and from how many networks. */
  failures: number;
  networks: number;
  /** Networks that must wait before their next attempt on this account. */
  lockedNetworks: number;
  /** The distributed-attack lock is in force (only networks the user signed in from before may try). */
  locked: boolean;
}

interface Failure {
  network: string;
  at: number;
}

/** The account part of a key: a hash, so mistyped addresses of people without an account are not kept in clear. */
const accountPart = (email: string) => createHash('sha256').update(email).digest('hex');
const networkKey = (network: string) => `ip:${network}`;
const addressPrefix = (email: string) => `pair:${accountPart(email)}:`;
const addressKey = (email: string, network: string) => addressPrefix(email) + network;

/** The wait after an address's n-th failure on an account (0 while it is within the free failures). */
export function addressDelayMs(failures: number): number {
  const { freeFailuresPerAddress, firstDelayMs, maxDelayMs } = LOGIN_LIMITS;
  if (failures < freeFailuresPerAddress) return 0;
  return Math.min(firstDelayMs * 2 ** (failures - freeFailuresPerAddress), maxDelayMs);
}

/** Every failure on the account kept (last 24 h), from all networks; the key prefix is fixed-length hex, so LIKE cannot over-match. */
async function accountFailures(db: Db, email: string, now: number): Promise<Failure[]> {
  const prefix = addressPrefix(email);
  const rows = await db.kysely
    .selectFrom('login_attempts')
    .select(['key', 'created_at'])
    .where(sql<boolean>`key like ${`${prefix}%`}`)
    .where('created_at', '>', new Date(now - LOGIN_LIMITS.addressLookbackMs).toISOString())
    .execute();
  return rows.map((r) => ({ network: r.key.slice(prefix.length), at: Date.parse(r.created_at) }));
}

async function networkFailureTimes(db: Db, network: string, now: number): Promise<number[]> {
  const rows = await db.kysely
    .selectFrom('login_attempts')
    .select('created_at')
    .where('key', '=', networkKey(network))
    .where('created_at', '>', new Date(now - LOGIN_LIMITS.perNetworkWindowMs).toISOString())
    .execute();
  return rows.map((r) => Date.parse(r.created_at));
}

/** When the newest failures of a window stop counting: the max-th newest leaves the window first. */
function windowFreeAt(times: number[], max: number, windowMs: number): number {
  const newestFirst = [...times].sort((a, b) => b - a);
  return newestFirst.length < max ? 0 : newestFirst[max - 1]! + windowMs;
}

/** The latest failure per network inside the distributed-attack window. */
function recentNetworks(failures: Failure[], now: number): Map<string, number> {
  const latest = new Map<string, number>();
  for (const f of failures) {
    if (f.at <= now - LOGIN_LIMITS.distributedWindowMs) continue;
    latest.set(f.network, Math.max(latest.get(f.network) ?? 0, f.at));
  }
  return latest;
}

function addressWaitUntil(failures: Failure[], network: string): number {
  const mine = failures.filter((f) => f.network === network);
  if (mine.length === 0) return 0;
  return Math.max(...mine.map((f) => f.at)) + addressDelayMs(mine.length);
}

/** The distributed lock lasts until fewer than the threshold of networks have failed within the window. */
function accountLockedUntil(failures: Failure[], now: number): number {
  const latest = [...recentNetworks(failures, now).values()];
  return windowFreeAt(latest, LOGIN_LIMITS.distributedNetworks, LOGIN_LIMITS.distributedWindowMs);
}

const seconds = (until: number, now: number) => Math.max(1, Math.ceil((until - now) / 1000));

/**
 * Whether a sign-in for `email` from `network` may be checked at all. Decided before the password is looked
 * at, and the same for accounts that do not exist. `knownNetworks` (networks of the user's recent sign-ins)
 * is only asked for when the account is under a distributed lock.
 */
export async function checkLoginAllowed(db: Db, email: string, network: string, knownNetworks: () => Promise<Set<string>>, at = new Date()): Promise<LoginVerdict> {
  const now = at.getTime();
  const networkFreeAt = windowFreeAt(await networkFailureTimes(db, network, now), LOGIN_LIMITS.perNetworkFailures, LOGIN_LIMITS.perNetworkWindowMs);
  if (networkFreeAt > now) return { limited: true, retryAfterSeconds: seconds(networkFreeAt, now), scope: 'network' };
  const failures = await accountFailures(db, email, now);
  const addressFreeAt = addressWaitUntil(failures, network);
  if (addressFreeAt > now) return { limited: true, retryAfterSeconds: seconds(addressFreeAt, now), scope: 'address' };
  const lockedUntil = accountLockedUntil(failures, now);
  if (lockedUntil > now && !(await knownNetworks()).has(network)) return { limited: true, retryAfterSeconds: seconds(lockedUntil, now), scope: 'account' };
  return { limited: false };
}

/**
 * Records a failed sign-in. Returns the account's distributed-attack state when this very failure started
 * the lock (so the caller audits it once), else null.
 */
export async function recordLoginFailure(db: Db, email: string, network: string, at = new Date()): Promise<{ networks: number; failures: number } | null> {
  const now = at.getTime();
  const created = at.toISOString();
  await db.writer.run(async (trx) => {
    await trx
      .insertInto('login_attempts')
      .values([
        { id: newId(), key: networkKey(network), created_at: created },
        { id: newId(), key: addressKey(email, network), created_at: created },
      ])
      .execute();
    // Old attempts are worthless; trimming here keeps the table small without a separate job.
    await trx.deleteFrom('login_attempts').where('created_at', '<', new Date(now - LOGIN_LIMITS.addressLookbackMs).toISOString()).execute();
  });
  const failures = await accountFailures(db, email, now);
  const networks = recentNetworks(failures, now);
  const firstFromThisNetwork = failures.filter((f) => f.network === network && f.at > now - LOGIN_LIMITS.distributedWindowMs).length === 1;
  if (networks.size !== LOGIN_LIMITS.distributedNetworks || !firstFromThisNetwork) return null;
  return { networks: networks.size, failures: failures.filter((f) => f.at > now - LOGIN_LIMITS.distributedWindowMs).length };
}

/** A successful sign-in clears that network's failures on the account (not other networks', nor the network's spraying count). */
export async function clearAddressFailures(db: Db, email: string, network: string): Promise<void> {
  await db.writer.run((trx) => trx.deleteFrom('login_attempts').where('key', '=', addressKey(email, network)).execute());
}

/** Operator unlock and password reset, in their transaction: every network's failures on the account are forgotten. Returns how many. */
export async function clearAccountFailures(trx: Transaction<Database>, email: string): Promise<number> {
  const res = await trx.deleteFrom('login_attempts').where(sql<boolean>`key like ${`${addressPrefix(email)}%`}`).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** What the admin console shows about an account's failed sign-ins. */
export async function loginLockState(db: Db, email: string, at = new Date()): Promise<LoginLockState> {
  const now = at.getTime();
  const failures = await accountFailures(db, email, now);
  const networks = new Set(failures.map((f) => f.network));
  const lockedNetworks = [...networks].filter((n) => addressWaitUntil(failures, n) > now).length;
  return { failures: failures.length, networks: networks.size, lockedNetworks, locked: accountLockedUntil(failures, now) > now };
}

/** Networks the user signed in from recently (from the audit log): they stay open during a distributed lock. */
export async function signInNetworks(db: Db, userId: string, at = new Date()): Promise<Set<string>> {
  const rows = await db.kysely
    .selectFrom('audit_log')
    .select('ip')
    .where('target_type', '=', 'user')
    .where('target_id', '=', userId)
    .where('action', '=', 'auth.login')
    .where('created_at', '>', new Date(at.getTime() - LOGIN_LIMITS.knownNetworkMs).toISOString())
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return new Set(rows.flatMap((r) => (r.ip ? [networkOf(r.ip)] : [])));
}
