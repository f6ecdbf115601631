import { sql } from 'kysely';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { ZPageQuery, decodeCursor, toPage } from '../core/pagination.js';
import { actorOf } from '../auth/admin-auth.js';
import { createAdminUser, membershipsOf, setUserStatus, unlockLogin } from '../accounts/user-service.js';
import { loginLockState } from '../accounts/login-limit.js';
import { ZEmail, ZPassword } from '../accounts/emails.js';

const ZUnlocked = z.object({ id: z.string(), loginLock: z.object({ locked: z.boolean(), failures: z.number(), networks: z.number(), lockedNetworks: z.number() }) });

/** Operator user management: list and search, create operator accounts, disable / re-enable, unlock sign-in. */
export function userAdminRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/admin/users', { schema: { tags: ['admin-console'], summary: 'Users', querystring: ZPageQuery.extend({ search: z.string().max(100).optional(), role: z.enum(['admin', 'business']).optional(), status: z.enum(['active', 'disabled']).optional() }) } }, async (req) => {
      const after = decodeCursor(req.query.cursor);
      let q = ctx.db.kysely.selectFrom('users').select(['id', 'email', 'role', 'status', 'created_at', 'last_login_at']).orderBy('id', 'desc').limit(req.query.limit + 1);
      if (after) q = q.where('id', '<', after);
      if (req.query.role) q = q.where('role', '=', req.query.role);
      if (req.query.status) q = q.where('status', '=', req.query.status);
      if (req.query.search) {
        const pattern = `%${req.query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where(sql<boolean>`email like ${pattern} escape '\\'`);
      }
      const page = toPage(await q.execute(), req.query.limit);
      const items = await Promise.all(page.items.map(async (u) => ({ id: u.id, email: u.email, role: u.role, status: u.status, createdAt: u.created_at, lastLoginAt: u.last_login_at, memberships: await membershipsOf(ctx.db, u.id), loginLock: await loginLockState(ctx.db, u.email) })));
      return { items, nextCursor: page.nextCursor };
    });

    app.post('/admin/users', { schema: { tags: ['admin-console'], summary: 'Create an operator (admin) account', body: z.object({ email: ZEmail, password: ZPassword }).strict() } }, async (req, reply) =>
      reply.status(201).send(await createAdminUser(ctx.db, req.body.email, req.body.password, actorOf(req))),
    );

    app.post('/admin/users/:userId/unlock', { schema: { tags: ['admin-console'], summary: "Unlock a user's sign-in (forgets every failed attempt; audited)", description: 'Lifts both the per-network waits and the lock a distributed attack put on the account. Answers the lock state afterwards.', params: z.object({ userId: z.uuid() }), response: { 200: ZUnlocked } } }, async (req) => ({
      id: req.params.userId,
      loginLock: await unlockLogin(ctx.db, req.params.userId, actorOf(req)),
    }));

    for (const action of ['disable', 'enable'] as const) {
      app.post(`/admin/users/:userId/${action}`, { schema: { tags: ['admin-console'], summary: `${action === 'disable' ? 'Disable (ends all sessions)' : 'Re-enable'} a user`, params: z.object({ userId: z.uuid() }) } }, async (req) => {
        await setUserStatus(ctx.db, req.params.userId, action === 'disable' ? 'disabled' : 'active', actorOf(req));
        return { id: req.params.userId, status: action === 'disable' ? 'disabled' : 'active' };
      });
    }
  };
}
