import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { AppError, isUniqueViolation, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { assertPasswordPolicy, hashPassword } from './passwords.js';
import { normaliseEmail } from './emails.js';
import { clearAccountFailures, loginLockState, type LoginLockState } from './login-limit.js';

export type UserRole = 'admin' | 'business';
export type MembershipRole = 'owner' | 'staff';

export interface Membership {
  businessId: string;
  businessName: string;
  role: MembershipRole;
}

export interface UserDto {
  id: string;
  email: string;
  role: UserRole;
  memberships: Membership[];
}

export async function membershipsOf(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db.kysely
    .selectFrom('memberships as m')
    .innerJoin('businesses as b', 'b.id', 'm.business_id')
    .select(['m.business_id as businessId', 'b.name as businessName', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('b.name')
    .execute();
  return rows.map((r) => ({ businessId: r.businessId, businessName: r.businessName, role: r.role as MembershipRole }));
}

export async function userDto(db: Db, userId: string): Promise<UserDto> {
  const user = await db.kysely.selectFrom('users').select(['id', 'email', 'role']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('User');
  return { id: user.id, email: user.email, role: user.role as UserRole, memberships: user.role === 'business' ? await membershipsOf(db, user.id) : [] };
}

export async function findUserByEmail(db: Db, email: string) {
  return db.kysely.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
}

/** Inserts a user inside the caller's transaction (hash computed beforehand: argon2 must not hold a write lock). */
export async function insertUser(trx: Transaction<Database>, u: { email: string; passwordHash: string; role: UserRole }): Promise<string> {
  const now = nowIso();
  const id = newId();
  await trx.insertInto('users').values({ id, email: normaliseEmail(u.email), password_hash: u.passwordHash, role: u.role, status: 'active', last_login_at: null, created_at: now, updated_at: now }).execute();
  return id;
}

/** An operator account (CLI `admin:create`, or the admin-token bootstrap). */
export async function createAdminUser(db: Db, email: string, password: string, who: Actor): Promise<UserDto> {
  assertPasswordPolicy(password);
  const passwordHash = await hashPassword(password);
  let id = '';
  try {
    await db.writer.run(async (trx) => {
      id = await insertUser(trx, { email, passwordHash, role: 'admin' });
      await recordAudit(trx, { ...who, action: 'user.create', targetType: 'user', targetId: id, details: { role: 'admin' } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', 'A user with this e-mail address already exists.');
    throw err;
  }
  return userDto(db, id);
}

/** Disabling ends every session at once; the account can no longer log in. */
export async function setUserStatus(db: Db, userId: string, status: 'active' | 'disabled', who: Actor): Promise<void> {
  await db.writer.run(async (trx) => {
    const upd = await trx.updateTable('users').set({ status, updated_at: nowIso() }).where('id', '=', userId).executeTakeFirst();
    if (upd.numUpdatedRows === 0n) throw notFound('User');
    if (status === 'disabled') await trx.deleteFrom('auth_sessions').where('user_id', '=', userId).execute();
    await recordAudit(trx, { ...who, action: status === 'disabled' ? 'user.disable' : 'user.enable', targetType: 'user', targetId: userId });
  });
}

/** Operator unlock: forgets every failed sign-in on the account (all networks, so the distributed lock too). */
export async function unlockLogin(db: Db, userId: string, who: Actor): Promise<LoginLockState> {
  const user = await db.kysely.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('User');
  await db.writer.run(async (trx) => {
    const failuresCleared = await clearAccountFailures(trx, user.email);
    await recordAudit(trx, { ...who, action: 'user.unlock', targetType: 'user', targetId: userId, details: { failuresCleared } });
  });
  return loginLockState(db, user.email);
}
