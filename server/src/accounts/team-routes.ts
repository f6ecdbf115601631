import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { actorOf } from '../auth/admin-auth.js';
import { isOperator } from '../auth/principal.js';
import { createInvitation } from './invitation-service.js';
import { changeMemberRole, listTeam, removeMember, revokeInvitation } from './team-service.js';
import { ZEmail } from './emails.js';

const ZBusiness = z.object({ businessId: z.uuid() });
const ZRole = z.enum(['owner', 'staff']);
const ZInvitation = z.object({ id: z.string(), email: z.string(), role: ZRole, businessId: z.string(), expiresAt: z.string(), link: z.string().optional() });

/** A business's team: members of every role may look; only owners (and operators) change it. */
export function teamRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/admin/businesses/:businessId/members', { config: { access: 'tenant' }, schema: { tags: ['team'], summary: 'Members and open invitations', params: ZBusiness } }, async (req) => listTeam(ctx, req.params.businessId));

    app.post('/admin/businesses/:businessId/invitations', { config: { access: 'tenant-owner' }, schema: { tags: ['team'], summary: 'Invite someone by e-mail (the link is mailed; operators also get it in the answer)', description: 'The answer is the same whether or not the address has an account (of any kind). `link` is returned to operators only.', params: ZBusiness, body: z.object({ email: ZEmail, role: ZRole }).strict(), response: { 201: ZInvitation } } }, async (req, reply) => {
      const includeLink = !!req.principal && isOperator(req.principal);
      return reply.status(201).send(await createInvitation(ctx, req.params.businessId, req.body, actorOf(req), { includeLink }));
    });

    app.delete('/admin/businesses/:businessId/invitations/:invitationId', { config: { access: 'tenant-owner' }, schema: { tags: ['team'], summary: 'Withdraw an open invitation', params: ZBusiness.extend({ invitationId: z.uuid() }) } }, async (req, reply) => {
      await revokeInvitation(ctx, req.params.businessId, req.params.invitationId, actorOf(req));
      return reply.status(204).send();
    });

    app.patch('/admin/businesses/:businessId/members/:userId', { config: { access: 'tenant-owner' }, schema: { tags: ['team'], summary: "Change a member's role", params: ZBusiness.extend({ userId: z.uuid() }), body: z.object({ role: ZRole }).strict() } }, async (req) =>
      changeMemberRole(ctx, req.params.businessId, req.params.userId, req.body.role, actorOf(req)),
    );

    app.delete('/admin/businesses/:businessId/members/:userId', { config: { access: 'tenant-owner' }, schema: { tags: ['team'], summary: 'Remove a member (their sessions end)', params: ZBusiness.extend({ userId: z.uuid() }) } }, async (req, reply) => {
      await removeMember(ctx, req.params.businessId, req.params.userId, actorOf(req));
      return reply.status(204).send();
    });
  };
}
