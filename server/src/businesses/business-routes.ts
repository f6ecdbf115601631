import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { ZPageQuery } from '../core/pagination.js';
import { actorOf } from '../auth/admin-auth.js';
import { BUSINESS_TYPES } from './business-types.js';
import { createBusiness, getBusinessRow, listBusinesses, toBusinessDto, updateBusiness } from './business-service.js';


const ZBusinessInput = z.object({
  name: z.string().trim().min(1).max(200),
  // Format, check digit and length are validated in the service so any malformed value is invalid_org_number.
  orgNumber: z.string(),
  businessType: z.enum(BUSINESS_TYPES),
  email: z.email().max(254),
});
const ZBusinessPatch = ZBusinessInput.partial().extend({ status: z.enum(['active', 'disabled']).optional() }).strict();
const ZIdParams = z.object({ businessId: z.uuid() });

export function businessRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/admin/businesses', { schema: { tags: ['admin'], summary: 'Create a business (tenant)', body: ZBusinessInput } }, async (req, reply) => {
      const business = await createBusiness(ctx.db, req.body, actorOf(req));
      return reply.status(201).send(business);
    });

    app.get(
      '/admin/businesses',
      { schema: { tags: ['admin'], summary: 'List businesses', querystring: ZPageQuery.extend({ status: z.enum(['active', 'disabled']).optional(), search: z.string().max(100).optional() }) } },
      async (req) => listBusinesses(ctx.db, req.query),
    );

    app.get('/admin/businesses/:businessId', { schema: { tags: ['admin'], summary: 'Get a business', params: ZIdParams } }, async (req) =>
      toBusinessDto(await getBusinessRow(ctx.db, req.params.businessId)),
    );

    app.patch('/admin/businesses/:businessId', { schema: { tags: ['admin'], summary: 'Update, disable or re-enable a business', params: ZIdParams, body: ZBusinessPatch } }, async (req) =>
      updateBusiness(ctx.db, req.params.businessId, req.body, actorOf(req)),
    );

    app.post('/admin/businesses/:businessId/disable', { schema: { tags: ['admin'], summary: 'Disable a business', params: ZIdParams } }, async (req) =>
      updateBusiness(ctx.db, req.params.businessId, { status: 'disabled' }, actorOf(req)),
    );

    app.post('/admin/businesses/:businessId/enable', { schema: { tags: ['admin'], summary: 'Re-enable a business', params: ZIdParams } }, async (req) =>
      updateBusiness(ctx.db, req.params.businessId, { status: 'active' }, actorOf(req)),
    );
  };
}
