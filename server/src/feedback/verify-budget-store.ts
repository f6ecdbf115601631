import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Redis } from 'ioredis';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../core/logger.js';
import { newId } from '../core/ids.js';
import { chargesFor, decide, isPersonScope, VERIFY_BUDGET, type AttemptOutcome, type BudgetDecision, type BudgetKey, type Charge, type KeyStats } from './verify-budget.js';

/**
 * Where the verification budgets live (verify-budget.ts has the rules): in the database, or in Redis when
 * REDIS_URL is set — either way shared by every instance, like the rate limits. The check and the counting
 * of an attempt's outcome are one step, so a burst of parallel guesses cannot all pass the same check.
 */
export interface GuardedAttempt<T> {
  value: T;
  outcome: AttemptOutcome;
}

/** The attempt itself, run in the write transaction that may claim the purchase. */
export type AttemptFn<T> = (trx: Transaction<Database>, decision: BudgetDecision) => Promise<GuardedAttempt<T>>;

export type GuardResult<T> = { blocked: BudgetDecision } | { value: T; decision: BudgetDecision };

export interface VerifyBudgetGuard {
  run<T>(keys: BudgetKey[], attempt: AttemptFn<T>, now?: Date): Promise<GuardResult<T>>;
}

/** Entries older than this are never read again (the longest window plus slack for clock skew). */
const KEEP_MS = VERIFY_BUDGET.windowMs + 60 * 60_000;

function addStat(stats: Map<string, KeyStats>, key: string, kind: string, n: number, at: number) {
  const s = stats.get(key) ?? { units: 0, misses: 0, lastAt: null };
  s.units += n;
  if (kind === 'miss') s.misses += n;
  s.lastAt = s.lastAt === null ? at : Math.max(s.lastAt, at);
  stats.set(key, s);
}

/**
 * In the database (table verify_budget_entries). On PostgreSQL the person keys are locked for the
 * transaction (advisory locks; never the location key, which every customer of the shop shares); SQLite's
 * one writer already runs these transactions one at a time.
 */
export class DbBudgetGuard implements VerifyBudgetGuard {
  constructor(private readonly db: Db) {}

  run<T>(keys: BudgetKey[], attempt: AttemptFn<T>, now = new Date()): Promise<GuardResult<T>> {
    return this.db.writer.run(async (trx) => {
      if (this.db.dialect === 'postgres') {
        for (const k of keys.filter((k) => isPersonScope(k.scope)).sort((a, b) => (a.key < b.key ? -1 : 1))) {
          await sql`select pg_advisory_xact_lock(hashtextextended(${`verify_budget:${k.key}`}, 0))`.execute(trx);
        }
      }
      const stats = await readStats(trx, keys, now.getTime());
      const decision = decide(keys, stats, now.getTime());
      if (decision.retryAfterMs > 0) return { blocked: decision };
      const { value, outcome } = await attempt(trx, decision);
      await recordCharges(trx, chargesFor(keys, stats, outcome), now);
      return { value, decision };
    });
  }
}

async function readStats(trx: Transaction<Database>, keys: BudgetKey[], now: number): Promise<Map<string, KeyStats>> {
  const stats = new Map<string, KeyStats>();
  for (const windowMs of new Set(keys.map((k) => k.windowMs))) {
    const rows = await trx
      .selectFrom('verify_budget_entries')
      .select(['key', 'kind', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('created_at').as('last')])
      .where('key', 'in', keys.filter((k) => k.windowMs === windowMs).map((k) => k.key))
      .where('created_at', '>=', new Date(now - windowMs).toISOString())
      .groupBy(['key', 'kind'])
      .execute();
    for (const r of rows) addStat(stats, r.key, r.kind, Number(r.n), Date.parse(r.last));
  }
  return stats;
}

async function recordCharges(trx: Transaction<Database>, charges: Charge[], now: Date): Promise<void> {
  if (charges.length === 0) return;
  const at = now.toISOString();
  await trx.insertInto('verify_budget_entries').values(charges.map((c) => ({ id: newId(), key: c.key, kind: c.kind, created_at: at }))).execute();
  // Trimmed on the way, like login attempts: a failure is rare enough that this costs nothing, and no job is needed.
  await trx.deleteFrom('verify_budget_entries').where('created_at', '<', new Date(now.getTime() - KEEP_MS).toISOString()).execute();
}

/**
 * In Redis: one sorted set per key, members "<kind>:<attempt id>" scored by time. An attempt first adds
 * itself as "pending" to its person keys and reads them in the same MULTI, so parallel attempts see each
 * other (at worst one is refused too early, never let through too often); afterwards the pending member is
 * replaced by what the outcome costs. If Redis fails, the database keeps the budgets instead (the same
 * choice as the rate limits: serve rather than fail every request).
 */
export class RedisBudgetGuard implements VerifyBudgetGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly db: Db,
    private readonly fallback: VerifyBudgetGuard,
    private readonly log: Logger,
  ) {}

  private redisKey = (key: string) => `${this.prefix}vb:${key}`;

  async run<T>(keys: BudgetKey[], attempt: AttemptFn<T>, now = new Date()): Promise<GuardResult<T>> {
    const t = now.getTime();
    const id = randomUUID();
    let stats: Map<string, KeyStats>;
    try {
      stats = await this.reserve(keys, id, t);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'verify budgets: redis unavailable, using the database');
      return this.fallback.run(keys, attempt, now);
    }
    const decision = decide(keys, stats, t);
    if (decision.retryAfterMs > 0) {
      await this.settle(keys, id, [], t);
      return { blocked: decision };
    }
    let result: GuardedAttempt<T>;
    try {
      result = await this.db.writer.run((trx) => attempt(trx, decision));
    } catch (err) {
      await this.settle(keys, id, [], t);
      throw err;
    }
    await this.settle(keys, id, chargesFor(keys, stats, result.outcome), t);
    return { value: result.value, decision };
  }

  private async reserve(keys: BudgetKey[], id: string, t: number): Promise<Map<string, KeyStats>> {
    const multi = this.redis.multi();
    const readAt: number[] = [];
    let n = 0;
    for (const k of keys) {
      const rk = this.redisKey(k.key);
      if (isPersonScope(k.scope)) {
        multi.zadd(rk, t, `pending:${id}`);
        n += 1;
      }
      multi.zremrangebyscore(rk, '-inf', t - KEEP_MS).pexpire(rk, KEEP_MS).zrangebyscore(rk, t - k.windowMs, '+inf', 'WITHSCORES');
      n += 3;
      readAt.push(n - 1);
    }
    const replies = await multi.exec();
    if (!replies) throw new Error('redis transaction aborted');
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0]!;
    const stats = new Map<string, KeyStats>();
    keys.forEach((k, i) => {
      const flat = replies[readAt[i]!]![1] as string[];
      for (let j = 0; j < flat.length; j += 2) {
        const member = flat[j]!;
        if (member === `pending:${id}`) continue;
        addStat(stats, k.key, member.slice(0, member.indexOf(':')), 1, Number(flat[j + 1]));
      }
    });
    return stats;
  }

  /** Drops this attempt's pending member and adds what it costs; a failure here only loses one count. */
  private async settle(keys: BudgetKey[], id: string, charges: Charge[], t: number): Promise<void> {
    try {
      const multi = this.redis.multi();
      for (const k of keys) if (isPersonScope(k.scope)) multi.zrem(this.redisKey(k.key), `pending:${id}`);
      for (const c of charges) multi.zadd(this.redisKey(c.key), t, `${c.kind}:${id}`).pexpire(this.redisKey(c.key), KEEP_MS);
      await multi.exec();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'verify budgets: could not settle an attempt in redis');
    }
  }
}
