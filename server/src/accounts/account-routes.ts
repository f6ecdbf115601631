import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { safeEqual } from '../core/crypto.js';
import { nowIso } from '../core/ids.js';
import { recordAudit } from '../audit/audit-log.js';
import { sessionCookie } from '../auth/principal.js';
import { SESSION_COOKIE, cookieOptions, createBrowserSession, deleteBrowserSession, findBrowserSession } from './session-store.js';
import { burnDummyVerify, verifyPassword } from './passwords.js';
import { findUserByEmail, userDto } from './user-service.js';
import { checkLoginAllowed, clearAddressFailures, recordLoginFailure, signInNetworks } from './login-limit.js';
import { networkOf } from './client-network.js';
import { acceptInvitation, describeInvitation, joinInvitation } from './invitation-service.js';
import { confirmPasswordReset, requestPasswordReset } from './password-reset-service.js';
import { normaliseEmail, ZPassword } from './emails.js';
import { publicAppealRoutes } from '../admin-console/appeal-routes.js';

const ZToken = z.string().min(20).max(2000);
const ZUserShape = { tags: ['auth'] };
const ZSessionAnswer = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    role: z.enum(['admin', 'business']),
    memberships: z.array(z.object({ businessId: z.string(), businessName: z.string(), role: z.enum(['owner', 'staff']) })),
  }),
  csrfToken: z.string(),
});
const ZInvitationInfo = z.object({ email: z.string(), businessName: z.string(), role: z.enum(['owner', 'staff']), expiresAt: z.string(), accountExists: z.boolean() });

/** Starts a fresh session (rotation: any session the browser still had is ended) and sets the cookie. */
async function signIn(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, userId: string) {
  const previous = sessionCookie(req);
  if (previous) {
    const old = await findBrowserSession(ctx.db, previous);
    if (old) await deleteBrowserSession(ctx.db, old.id);
  }
  const session = await createBrowserSession(ctx.db, userId, { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });
  reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(ctx.config.publicBaseUrl));
  return { user: await userDto(ctx.db, userId), csrfToken: session.csrfToken };
}

async function currentSession(ctx: AppContext, req: FastifyRequest) {
  const cookie = sessionCookie(req);
  const session = cookie ? await findBrowserSession(ctx.db, cookie) : null;
  if (!session) return null;
  const user = await ctx.db.kysely.selectFrom('users').select('status').where('id', '=', session.userId).executeTakeFirst();
  return user?.status === 'active' ? session : null;
}

/** A cookie-session write outside the guarded scope: the session must be live and the CSRF header must match. */
async function sessionForWrite(ctx: AppContext, req: FastifyRequest) {
  const session = await currentSession(ctx, req);
  if (!session) throw new AppError('unauthorized', 'Not signed in.');
  const header = req.headers['x-csrf-token'];
  if (typeof header !== 'string' || !safeEqual(header, session.csrfToken)) throw new AppError('csrf_failed');
  return session;
}

/** Refuses a sign-in attempt the limits do not allow (before the password is looked at), with Retry-After. */
async function enforceLoginLimits(ctx: AppContext, reply: FastifyReply, email: string, network: string, userId: string | undefined): Promise<void> {
  const verdict = await checkLoginAllowed(ctx.db, email, network, async () => (userId ? signInNetworks(ctx.db, userId) : new Set()));
  if (!verdict.limited) return;
  reply.header('retry-after', String(verdict.retryAfterSeconds));
  const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
  throw new AppError('too_many_attempts', `Too many sign-in attempts; try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or reset your password.`, { retryAfterSeconds: verdict.retryAfterSeconds });
}

/** Public account endpoints: login, logout, me, invitation acceptance and password reset (`/api/v1/auth`). */
export function accountRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const limited = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute' } });

    app.post('/api/v1/auth/login', { config: limited(60), schema: { ...ZUserShape, summary: 'Sign in with e-mail and password (sets the session cookie)', description: 'Failed attempts are limited per account and client network (5, then a doubling wait from 15 min) and per network across accounts; an account is locked for unknown networks when failures come from 10 networks within an hour. 429 too_many_attempts carries Retry-After.', body: z.object({ email: z.string().max(320), password: ZPassword }), response: { 200: ZSessionAnswer } } }, async (req, reply) => {
      const email = normaliseEmail(req.body.email);
      const network = networkOf(req.ip);
      const user = await findUserByEmail(ctx.db, email);
      await enforceLoginLimits(ctx, reply, email, network, user?.id);
      const ok = user ? await verifyPassword(user.password_hash, req.body.password) : (await burnDummyVerify(req.body.password), false);
      if (!user || !ok || user.status !== 'active') {
        const lockedNow = await recordLoginFailure(ctx.db, email, network);
        await ctx.db.writer.run(async (trx) => {
          await recordAudit(trx, { actor: 'anonymous', ip: req.ip, action: 'auth.login_failed', targetType: 'user', targetId: user?.id ?? null });
          // A distributed attack has just locked an existing account: once, for the operators' attention.
          if (lockedNow && user) await recordAudit(trx, { actor: 'system', ip: req.ip, action: 'auth.account_locked', targetType: 'user', targetId: user.id, details: lockedNow });
        });
        if (lockedNow) ctx.log.warn({ userId: user?.id ?? null, ...lockedNow }, 'login: account locked by failures from many networks');
        throw new AppError('invalid_credentials');
      }
      await clearAddressFailures(ctx.db, email, network);
      await ctx.db.writer.run(async (trx) => {
        await trx.updateTable('users').set({ last_login_at: nowIso() }).where('id', '=', user.id).execute();
        await recordAudit(trx, { actor: `user:${user.id}`, ip: req.ip, action: 'auth.login', targetType: 'user', targetId: user.id });
      });
      return signIn(ctx, req, reply, user.id);
    });

    app.get('/api/v1/auth/me', { schema: { ...ZUserShape, summary: 'The signed-in user, their memberships and the CSRF token', response: { 200: ZSessionAnswer } } }, async (req) => {
      const session = await currentSession(ctx, req);
      if (!session) throw new AppError('unauthorized', 'Not signed in.');
      return { user: await userDto(ctx.db, session.userId), csrfToken: session.csrfToken };
    });

    app.post('/api/v1/auth/logout', { schema: { ...ZUserShape, summary: 'Sign out (needs x-csrf-token)' } }, async (req, reply) => {
      const session = await currentSession(ctx, req);
      if (session) {
        const header = req.headers['x-csrf-token'];
        if (typeof header !== 'string' || !safeEqual(header, session.csrfToken)) throw new AppError('csrf_failed');
        await deleteBrowserSession(ctx.db, session.id);
        await ctx.db.writer.run((trx) => recordAudit(trx, { actor: `user:${session.userId}`, ip: req.ip, action: 'auth.logout', targetType: 'user', targetId: session.userId }));
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx.config.publicBaseUrl));
      return reply.status(204).send();
    });

    // Tokens travel in POST bodies, never in a URL (URLs end up in access logs, proxies and browser history).
    app.post('/api/v1/auth/invitations/lookup', { config: limited(30), schema: { ...ZUserShape, summary: 'Who an invitation is for (before accepting)', description: '`accountExists`: the address has an account, so the invitee signs in and accepts with POST /api/v1/auth/invitations/join.', body: z.object({ token: ZToken }), response: { 200: ZInvitationInfo } } }, async (req) => describeInvitation(ctx, req.body.token));

    app.post('/api/v1/auth/invitations/accept', { config: limited(20), schema: { ...ZUserShape, summary: 'Accept an invitation with a new account (choose its password) and sign in', description: 'For an e-mail address without an account. An address with an account gets 409 account_exists, whatever the password: sign in, then use /api/v1/auth/invitations/join.', body: z.object({ token: ZToken, password: ZPassword }), response: { 200: ZSessionAnswer } } }, async (req, reply) => {
      const userId = await acceptInvitation(ctx, req.body.token, req.body.password, req.ip);
      return signIn(ctx, req, reply, userId);
    });

    app.post('/api/v1/auth/invitations/join', { config: limited(20), schema: { ...ZUserShape, summary: 'Accept an invitation as the signed-in user (session cookie and x-csrf-token)', description: 'The signed-in business account must be the invited e-mail address (else 403 forbidden).', body: z.object({ token: ZToken }), response: { 200: ZSessionAnswer } } }, async (req) => {
      const session = await sessionForWrite(ctx, req);
      const user = await ctx.db.kysely.selectFrom('users').select(['id', 'email', 'role']).where('id', '=', session.userId).executeTakeFirstOrThrow();
      await joinInvitation(ctx, req.body.token, user, req.ip);
      return { user: await userDto(ctx.db, user.id), csrfToken: session.csrfToken };
    });

    app.post('/api/v1/auth/password-reset/request', { config: limited(10), schema: { ...ZUserShape, summary: 'Mail a password-reset link (always 202)', body: z.object({ email: z.string().max(320) }) } }, async (req, reply) => {
      // In the background: the answer and its timing are the same whether or not the account exists.
      void requestPasswordReset(ctx, req.body.email, req.ip).catch((err: unknown) => ctx.log.error({ err: String(err) }, 'password reset request failed'));
      return reply.status(202).send({ status: 'accepted' });
    });

    app.post('/api/v1/auth/password-reset/confirm', { config: limited(20), schema: { ...ZUserShape, summary: 'Set a new password with a reset token', body: z.object({ token: ZToken, password: ZPassword }) } }, async (req, reply) => {
      await confirmPasswordReset(ctx, req.body.token, req.body.password, req.ip);
      return reply.status(204).send();
    });

    await app.register(publicAppealRoutes(ctx));
  };
}
