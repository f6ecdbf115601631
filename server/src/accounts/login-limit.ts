import type { Db } from '../db/database.js';
import { newId } from '../core/ids.js';

/** 5 failed logins per 15 minutes, counted per account (e-mail, existing or not) and per client IP. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export const accountKey = (email: string) => `account:${email}`;
export const ipKey = (ip: string) => `ip:${ip}`;

/** Kept in the database rather than process memory, so several instances share one count. */
export async function isLoginLimited(db: Db, keys: string[], now = new Date()): Promise<boolean> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString();
  const rows = await db.kysely
    .selectFrom('login_attempts')
    .select(['key', (eb) => eb.fn.countAll<number>().as('n')])
    .where('key', 'in', keys)
    .where('created_at', '>', since)
    .groupBy('key')
    .execute();
  return rows.some((r) => Number(r.n) >= LOGIN_MAX_FAILURES);
}

export async function recordLoginFailure(db: Db, keys: string[], now = new Date()): Promise<void> {
  const created = now.toISOString();
  await db.writer.run(async (trx) => {
    await trx.insertInto('login_attempts').values(keys.map((key) => ({ id: newId(), key, created_at: created }))).execute();
    // Old attempts are worthless; trimming here keeps the table small without a separate job.
    await trx.deleteFrom('login_attempts').where('created_at', '<', new Date(now.getTime() - 2 * LOGIN_WINDOW_MS).toISOString()).execute();
  });
}

/** A successful login clears the account's count (not the IP's: one good password must not reset IP guessing). */
export async function clearAccountFailures(db: Db, email: string): Promise<void> {
  await db.writer.run((trx) => trx.deleteFrom('login_attempts').where('key', '=', accountKey(email)).execute());
}
