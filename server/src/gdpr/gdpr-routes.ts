import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { actorOf } from '../auth/admin-auth.js';
import { erasePersonalData, exportPersonalData } from './gdpr-service.js';

/** Operator-run data-subject requests (the person is identified by the phone number they gave us). */
export function gdprRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/admin/gdpr/export', { schema: { tags: ['admin'], summary: 'GDPR access request: all data linked to a phone number', body: z.object({ phone: z.string().max(32) }).strict() } }, async (req) =>
      exportPersonalData(ctx, req.body.phone, actorOf(req)),
    );
    app.post('/admin/gdpr/erasure', { schema: { tags: ['admin'], summary: 'GDPR erasure request (bookkeeping records are kept as the law requires)', body: z.object({ phone: z.string().max(32), reason: z.string().trim().min(3).max(500) }).strict() } }, async (req) =>
      erasePersonalData(ctx, req.body.phone, req.body.reason, actorOf(req)),
    );
  };
}
