import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { safeEqual } from '../core/crypto.js';
import { SESSION_COOKIE, findBrowserSession } from '../accounts/session-store.js';
import type { MembershipRole, UserRole } from '../accounts/user-service.js';

/** Who is calling: the operator bearer token, or a signed-in user (operator or business) with a browser session. */
export type Principal =
  | { kind: 'admin-token' }
  | { kind: 'user'; userId: string; email: string; role: UserRole; sessionId: string; csrfToken: string; memberships: Map<string, MembershipRole> };

export const isOperator = (p: Principal) => p.kind === 'admin-token' || p.role === 'admin';

function bearerToken(req: FastifyRequest): string | null | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null;
}

export function sessionCookie(req: FastifyRequest): string | undefined {
  const value = req.cookies?.[SESSION_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The request's principal, or null when there is none. A bearer header that is present must be the admin
 * token (a wrong one is 401 even with a valid cookie: a broken script should fail loudly).
 */
export async function resolvePrincipal(ctx: AppContext, req: FastifyRequest): Promise<Principal | null> {
  const bearer = bearerToken(req);
  if (bearer !== undefined) {
    if (bearer && safeEqual(bearer, ctx.config.adminToken)) return { kind: 'admin-token' };
    throw new AppError('unauthorized', 'A valid admin bearer token is required (Authorization: Bearer <ADMIN_TOKEN>).');
  }
  const cookie = sessionCookie(req);
  if (!cookie) return null;
  const session = await findBrowserSession(ctx.db, cookie);
  if (!session) return null;
  const user = await ctx.db.kysely.selectFrom('users').select(['id', 'email', 'role', 'status']).where('id', '=', session.userId).executeTakeFirst();
  if (!user || user.status !== 'active') return null;
  const rows = user.role === 'business' ? await ctx.db.kysely.selectFrom('memberships').select(['business_id', 'role']).where('user_id', '=', user.id).execute() : [];
  return {
    kind: 'user',
    userId: user.id,
    email: user.email,
    role: user.role as UserRole,
    sessionId: session.id,
    csrfToken: session.csrfToken,
    memberships: new Map(rows.map((r) => [r.business_id, r.role as MembershipRole])),
  };
}

/** The audit-log actor name for a principal. */
export const actorName = (p: Principal) => (p.kind === 'admin-token' ? 'admin-token' : `user:${p.userId}`);

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
