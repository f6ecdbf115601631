import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { actorOf } from '../auth/admin-auth.js';
import { activatePlan, extendTrial, getTrialStatus, trialDto } from './trial.js';

const ZParams = z.object({ businessId: z.uuid() });
const ZExtend = z
  .object({ days: z.int().min(1).max(365).optional(), feedbacks: z.int().min(1).max(10_000).optional() })
  .strict()
  .refine((b) => b.days !== undefined || b.feedbacks !== undefined, { message: 'give days and/or feedbacks' });

/** Trial status of a business and the operator's actions on it (audited in trial.ts). */
export function trialRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/admin/businesses/:businessId/trial', { schema: { tags: ['admin'], summary: 'Trial status: state, feedbacks used/left, end date', params: ZParams } }, async (req) => trialDto(await getTrialStatus(ctx, req.params.businessId)));
    app.post('/admin/businesses/:businessId/trial/activate', { schema: { tags: ['admin'], summary: 'Activate the paid plan (ends the commission-free trial; idempotent)', params: ZParams } }, async (req) =>
      trialDto(await activatePlan(ctx, req.params.businessId, actorOf(req))),
    );
    app.post('/admin/businesses/:businessId/trial/extend', { schema: { tags: ['admin'], summary: 'Give the trial more days and/or feedbacks', params: ZParams, body: ZExtend } }, async (req) =>
      trialDto(await extendTrial(ctx, req.params.businessId, req.body, actorOf(req))),
    );
  };
}
