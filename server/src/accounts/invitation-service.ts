import type { AppContext } from '../http/context.js';
import { AppError, isUniqueViolation, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { LinkTokens, sha256 } from './tokens.js';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { assertPasswordPolicy, hashPassword } from './passwords.js';
import { findUserByEmail, insertUser, type MembershipRole } from './user-service.js';
import { normaliseEmail } from './emails.js';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface InvitationDto {
  id: string;
  email: string;
  role: MembershipRole;
  businessId: string;
  expiresAt: string;
  /** Only for operators: a business inviter must not hold the token meant for the invitee's mailbox. */
  link?: string;
}

const tokensFor = (ctx: AppContext) => new LinkTokens(ctx.config.encryptionKey);

/** The mailed link; the token is in the fragment, which browsers never send to a server (no access-log copies). */
export const invitationLink = (publicBaseUrl: string, token: string) => `${publicBaseUrl}/business/invite#token=${encodeURIComponent(token)}`;

/**
 * Invites an e-mail address to a business and mails the link. The answer is the same whether or not the
 * address has an account, and of which kind (an operator's address is invited like any other and simply
 * cannot join), so inviting is no way to find out who has an account.
 */
export async function createInvitation(ctx: AppContext, businessId: string, input: { email: string; role: MembershipRole }, who: Actor, opts: { includeLink: boolean }): Promise<InvitationDto> {
  const email = normaliseEmail(input.email);
  const business = await ctx.db.kysely.selectFrom('businesses').select(['id', 'name']).where('id', '=', businessId).executeTakeFirst();
  if (!business) throw notFound('Business');
  const existing = await findUserByEmail(ctx.db, email);
  if (existing) {
    // Members are on the team page already: saying so reveals nothing the inviter cannot see.
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
  const link = invitationLink(ctx.config.publicBaseUrl, token);
  await ctx.services.mail.send({
    to: email,
    subject: `Inbjudan till ${business.name} på Kvittra`,
    text: `Hej!\n\nDu har bjudits in till ${business.name} på Kvittra (${input.role === 'owner' ? 'ägare' : 'personal'}).\nÖppna länken för att skapa ditt konto, eller logga in om du redan har ett (länken gäller i 7 dagar):\n${link}\n\nYou have been invited to ${business.name} on Kvittra. Open the link above to create your account, or sign in if you already have one.`,
  });
  return { id, email, role: input.role, businessId, expiresAt: expiresAt.toISOString(), ...(opts.includeLink ? { link } : {}) };
}

async function loadUsableInvitation(ctx: AppContext, token: string) {
  const id = await tokensFor(ctx).verify('invite', token);
  const row = await ctx.db.kysely.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.token_hash !== sha256(token) || row.accepted_at || row.revoked_at || row.expires_at <= nowIso()) throw new AppError('invalid_token');
  return row;
}

/**
 * What the invitation page shows before anything is chosen. `accountExists` tells the page to offer signing
 * in instead of a new password; only the token's holder (the invitee's mailbox, or an operator) learns it.
 */
export async function describeInvitation(ctx: AppContext, token: string) {
  const row = await loadUsableInvitation(ctx, token);
  const business = await ctx.db.kysely.selectFrom('businesses').select('name').where('id', '=', row.business_id).executeTakeFirstOrThrow();
  const existing = await findUserByEmail(ctx.db, row.email);
  return { email: row.email, businessName: business.name, role: row.role as MembershipRole, expiresAt: row.expires_at, accountExists: !!existing };
}

type Invitation = Awaited<ReturnType<typeof loadUsableInvitation>>;

/** Marks the invitation used (single use: the conditional update) and adds the membership, audited. */
async function useInvitation(trx: Transaction<Database>, inv: Invitation, userId: () => Promise<string>, newUser: boolean, ip: string | null): Promise<string> {
  const upd = await trx.updateTable('invitations').set({ accepted_at: nowIso() }).where('id', '=', inv.id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
  if (upd.numUpdatedRows === 0n) throw new AppError('invalid_token');
  const id = await userId();
  const member = await trx.selectFrom('memberships').select('role').where('user_id', '=', id).where('business_id', '=', inv.business_id).executeTakeFirst();
  if (!member) await trx.insertInto('memberships').values({ user_id: id, business_id: inv.business_id, role: inv.role, created_at: nowIso() }).execute();
  await recordAudit(trx, { actor: `user:${id}`, ip, action: 'invitation.accept', targetType: 'business', targetId: inv.business_id, details: { invitationId: inv.id, role: inv.role, newUser } });
  return id;
}

/**
 * Accepts an invitation for a new e-mail address: the account is created with this password. An address
 * that already has an account gets `account_exists` without its password being looked at — existing users
 * sign in through the login (and its limits) and then join (joinInvitation), so this endpoint is no oracle.
 */
export async function acceptInvitation(ctx: AppContext, token: string, password: string, ip: string | null): Promise<string> {
  const inv = await loadUsableInvitation(ctx, token);
  if (await findUserByEmail(ctx.db, inv.email)) throw new AppError('account_exists');
  assertPasswordPolicy(password);
  const passwordHash = await hashPassword(password);
  try {
    return await ctx.db.writer.run((trx) => useInvitation(trx, inv, () => insertUser(trx, { email: inv.email, passwordHash, role: 'business' }), true, ip));
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('account_exists');
    throw err;
  }
}

/** Accepts an invitation as the signed-in user, who must be the business account it was sent to. */
export async function joinInvitation(ctx: AppContext, token: string, user: { id: string; email: string; role: string }, ip: string | null): Promise<void> {
  const inv = await loadUsableInvitation(ctx, token);
  if (inv.email !== user.email) throw new AppError('forbidden', 'This invitation was sent to another e-mail address; sign in with that account.');
  if (user.role !== 'business') throw new AppError('forbidden', 'Operator accounts cannot be members of a business.');
  await ctx.db.writer.run((trx) => useInvitation(trx, inv, async () => user.id, false, ip));
}
