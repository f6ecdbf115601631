import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { recordAudit } from '../audit/audit-log.js';
import { LinkTokens, sha256 } from './tokens.js';
import { assertPasswordPolicy, hashPassword } from './passwords.js';
import { findUserByEmail } from './user-service.js';
import { clearAccountFailures } from './login-limit.js';

export const RESET_TTL_MS = 60 * 60 * 1000;
/** At most this many reset mails per account and hour (mail bombing). */
const MAX_RESETS_PER_HOUR = 3;

/**
 * Sends a reset link if the account exists and is active. The caller answers 202 either way, and the mail
 * goes out in the background so the response time does not reveal whether the account exists.
 */
export async function requestPasswordReset(ctx: AppContext, email: string, ip: string | null): Promise<void> {
  const user = await findUserByEmail(ctx.db, email);
  if (!user || user.status !== 'active') return;
  const hourAgo = new Date(Date.now() - 60 * 60 * 1000).toISOString();
  const recent = await ctx.db.kysely.selectFrom('password_resets').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).where('created_at', '>', hourAgo).executeTakeFirstOrThrow();
  if (Number(recent.n) >= MAX_RESETS_PER_HOUR) return;
  const id = newId();
  const expiresAt = new Date(Date.now() + RESET_TTL_MS);
  const token = await new LinkTokens(ctx.config.encryptionKey).sign('reset', id, expiresAt);
  await ctx.db.writer.run(async (trx) => {
    await trx.insertInto('password_resets').values({ id, user_id: user.id, token_hash: sha256(token), expires_at: expiresAt.toISOString(), used_at: null, created_at: nowIso() }).execute();
    await recordAudit(trx, { actor: 'anonymous', ip, action: 'user.password_reset_request', targetType: 'user', targetId: user.id });
  });
  // The token is in the fragment, which browsers never send to a server (no access-log copies).
  const link = `${ctx.config.publicBaseUrl}/business/reset#token=${encodeURIComponent(token)}`;
  void ctx.services.mail
    .send({
      to: user.email,
      subject: 'Återställ ditt lösenord till Kvittra',
      text: `Hej!\n\nNågon (förhoppningsvis du) bad om att återställa lösenordet till ditt Kvittra-konto.\nVälj ett nytt lösenord här (länken gäller i en timme och kan användas en gång):\n${link}\n\nOm det inte var du kan du bortse från det här mejlet.\n\nReset your Kvittra password with the link above (valid for one hour).`,
    })
    .catch((err: unknown) => ctx.log.error({ err: String(err), userId: user.id }, 'password reset mail failed'));
}

/**
 * Sets the new password, uses up the token and ends every session of the account. The account's failed
 * sign-ins are forgotten too: whoever controls the mailbox lifts a lock that guesses at the old password caused.
 */
export async function confirmPasswordReset(ctx: AppContext, token: string, password: string, ip: string | null): Promise<void> {
  const id = await new LinkTokens(ctx.config.encryptionKey).verify('reset', token);
  const row = await ctx.db.kysely.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.token_hash !== sha256(token) || row.used_at || row.expires_at <= nowIso()) throw new AppError('invalid_token');
  assertPasswordPolicy(password);
  const passwordHash = await hashPassword(password);
  const user = await ctx.db.kysely.selectFrom('users').select('email').where('id', '=', row.user_id).executeTakeFirstOrThrow();
  await ctx.db.writer.run(async (trx) => {
    const upd = await trx.updateTable('password_resets').set({ used_at: nowIso() }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
    if (upd.numUpdatedRows === 0n) throw new AppError('invalid_token');
    await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: nowIso() }).where('id', '=', row.user_id).execute();
    await trx.deleteFrom('auth_sessions').where('user_id', '=', row.user_id).execute();
    // Other outstanding reset links die with this one.
    await trx.updateTable('password_resets').set({ used_at: nowIso() }).where('user_id', '=', row.user_id).where('used_at', 'is', null).execute();
    const failuresCleared = await clearAccountFailures(trx, user.email);
    await recordAudit(trx, { actor: `user:${row.user_id}`, ip, action: 'user.password_reset', targetType: 'user', targetId: row.user_id, details: { failuresCleared } });
  });
}
