import type { AppContext } from '../http/context.js';
import { AppError, isUniqueViolation, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { LinkTokens, sha256 } from './tokens.js';
import { assertPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import { findUserByEmail, insertUser, type MembershipRole } from './user-service.js';
import { normaliseEmail } from './emails.js';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface InvitationDto {
  id: string;
  email: string;
  role: MembershipRole;
  businessId: string;
  expiresAt: string;
  link: string;
}

const tokensFor = (ctx: AppContext) => new LinkTokens(ctx.config.encryptionKey);

/** Invites an e-mail address to a business; the link is mailed and also returned for the admin UI. */
export async function createInvitation(ctx: AppContext, businessId: string, input: { email: string; role: MembershipRole }, who: Actor): Promise<InvitationDto> {
  const email = normaliseEmail(input.email);
  const business = await ctx.db.kysely.selectFrom('businesses').select(['id', 'name']).where('id', '=', businessId).executeTakeFirst();
  if (!business) throw notFound('Business');
  const existing = await findUserByEmail(ctx.db, email);
  if (existing?.role === 'admin') throw new AppError('conflict', 'This e-mail address belongs to an operator account.');
  if (existing) {
    const member = await ctx.db.kysely.selectFrom('memberships').select('role').where('user_id', '=', existing.id).where('business_id', '=', businessId).executeTakeFirst();
    if (member) throw new AppError('conflict', 'This person is already a member of the business.');
  }
  const id = newId();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  const token = await tokensFor(ctx).sign('invite', id, expiresAt);
  const now = nowIso();
  await ctx.db.writer.run(async (trx) => {
    // A new invitation replaces any earlier unused one for the same person and business.
    await trx.updateTable('invitations').set({ revoked_at: now }).where('business_id', '=', businessId).where('email', '=', email).where('accepted_at', 'is', null).where('revoked_at', 'is', null).execute();
    await trx.insertInto('invitations').values({ id, business_id: businessId, email, role: input.role, token_hash: sha256(token), expires_at: expiresAt.toISOString(), accepted_at: null, revoked_at: null, created_by: who.actor, created_at: now }).execute();
    await recordAudit(trx, { ...who, action: 'invitation.create', targetType: 'business', targetId: businessId, details: { invitationId: id, role: input.role } });
  });
  const link = `${ctx.config.publicBaseUrl}/business/invite?token=${encodeURIComponent(token)}`;
  await ctx.services.mail.send({
    to: email,
    subject: `Inbjudan till ${business.name} på Kvittra`,
    text: `Hej!\n\nDu har bjudits in till ${business.name} på Kvittra (${input.role === 'owner' ? 'ägare' : 'personal'}).\nSkapa ditt konto här (länken gäller i 7 dagar):\n${link}\n\nYou have been invited to ${business.name} on Kvittra. Open the link above to create your account.`,
  });
  return { id, email, role: input.role, businessId, expiresAt: expiresAt.toISOString(), link };
}

async function loadUsableInvitation(ctx: AppContext, token: string) {
  const id = await tokensFor(ctx).verify('invite', token);
  const row = await ctx.db.kysely.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.token_hash !== sha256(token) || row.accepted_at || row.revoked_at || row.expires_at <= nowIso()) throw new AppError('invalid_token');
  return row;
}

/** What the accept page shows before the user chooses a password. */
export async function describeInvitation(ctx: AppContext, token: string) {
  const row = await loadUsableInvitation(ctx, token);
  const business = await ctx.db.kysely.selectFrom('businesses').select('name').where('id', '=', row.business_id).executeTakeFirstOrThrow();
  return { email: row.email, businessName: business.name, role: row.role as MembershipRole, expiresAt: row.expires_at };
}

/**
 * Accepts an invitation: a new e-mail gets an account with this password; an existing business user proves
 * it with their password. Single use is enforced by the conditional update of `accepted_at`.
 */
export async function acceptInvitation(ctx: AppContext, token: string, password: string, ip: string | null): Promise<string> {
  const inv = await loadUsableInvitation(ctx, token);
  const existing = await findUserByEmail(ctx.db, inv.email);
  if (existing && (existing.role !== 'business' || existing.status !== 'active' || !(await verifyPassword(existing.password_hash, password)))) {
    throw new AppError('invalid_credentials');
  }
  if (!existing) assertPasswordPolicy(password);
  const passwordHash = existing ? null : await hashPassword(password);
  let userId = existing?.id ?? '';
  try {
    await ctx.db.writer.run(async (trx) => {
      const upd = await trx.updateTable('invitations').set({ accepted_at: nowIso() }).where('id', '=', inv.id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
      if (upd.numUpdatedRows === 0n) throw new AppError('invalid_token');
      if (!existing) userId = await insertUser(trx, { email: inv.email, passwordHash: passwordHash!, role: 'business' });
      const member = await trx.selectFrom('memberships').select('role').where('user_id', '=', userId).where('business_id', '=', inv.business_id).executeTakeFirst();
      if (!member) await trx.insertInto('memberships').values({ user_id: userId, business_id: inv.business_id, role: inv.role, created_at: nowIso() }).execute();
      await recordAudit(trx, { actor: `user:${userId}`, ip, action: 'invitation.accept', targetType: 'business', targetId: inv.business_id, details: { invitationId: inv.id, role: inv.role, newUser: !existing } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', 'An account for this e-mail address was created meanwhile; sign in and use the link again.');
    throw err;
  }
  return userId;
}
