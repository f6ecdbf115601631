import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import type { MembershipRole } from './user-service.js';

export async function listTeam(ctx: AppContext, businessId: string) {
  const members = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id as userId', 'u.email', 'm.role', 'u.status', 'm.created_at as createdAt'])
    .where('m.business_id', '=', businessId)
    .orderBy('u.email')
    .execute();
  const invitations = await ctx.db.kysely
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'expires_at as expiresAt', 'created_at as createdAt'])
    .where('business_id', '=', businessId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso())
    .orderBy('created_at', 'desc')
    .execute();
  return { items: members, invitations };
}

async function ownerCount(ctx: AppContext, businessId: string): Promise<number> {
  const row = await ctx.db.kysely.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).where('business_id', '=', businessId).where('role', '=', 'owner').executeTakeFirstOrThrow();
  return Number(row.n);
}

async function memberOrThrow(ctx: AppContext, businessId: string, userId: string) {
  const m = await ctx.db.kysely.selectFrom('memberships').selectAll().where('business_id', '=', businessId).where('user_id', '=', userId).executeTakeFirst();
  if (!m) throw notFound('Member');
  return m;
}

/** Changes a member's role; the last owner cannot be demoted (the business would lose its administrator). */
export async function changeMemberRole(ctx: AppContext, businessId: string, userId: string, role: MembershipRole, who: Actor) {
  const m = await memberOrThrow(ctx, businessId, userId);
  if (m.role === 'owner' && role !== 'owner' && (await ownerCount(ctx, businessId)) <= 1) throw new AppError('last_owner');
  await ctx.db.writer.run(async (trx) => {
    await trx.updateTable('memberships').set({ role }).where('business_id', '=', businessId).where('user_id', '=', userId).execute();
    await recordAudit(trx, { ...who, action: 'member.role_change', targetType: 'business', targetId: businessId, details: { userId, from: m.role, to: role } });
  });
  const user = await ctx.db.kysely.selectFrom('users').select(['id', 'email', 'status']).where('id', '=', userId).executeTakeFirstOrThrow();
  return { userId, email: user.email, role, status: user.status, createdAt: m.created_at };
}

/** Removes a member; their sessions end so the removal takes effect at once, not at the next login. */
export async function removeMember(ctx: AppContext, businessId: string, userId: string, who: Actor): Promise<void> {
  const m = await memberOrThrow(ctx, businessId, userId);
  if (m.role === 'owner' && (await ownerCount(ctx, businessId)) <= 1) throw new AppError('last_owner');
  await ctx.db.writer.run(async (trx) => {
    await trx.deleteFrom('memberships').where('business_id', '=', businessId).where('user_id', '=', userId).execute();
    await trx.deleteFrom('auth_sessions').where('user_id', '=', userId).execute();
    await recordAudit(trx, { ...who, action: 'member.remove', targetType: 'business', targetId: businessId, details: { userId, role: m.role } });
  });
}

export async function revokeInvitation(ctx: AppContext, businessId: string, invitationId: string, who: Actor): Promise<void> {
  await ctx.db.writer.run(async (trx) => {
    const upd = await trx.updateTable('invitations').set({ revoked_at: nowIso() }).where('id', '=', invitationId).where('business_id', '=', businessId).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
    if (upd.numUpdatedRows === 0n) throw notFound('Invitation');
    await recordAudit(trx, { ...who, action: 'invitation.revoke', targetType: 'business', targetId: businessId, details: { invitationId } });
  });
}
