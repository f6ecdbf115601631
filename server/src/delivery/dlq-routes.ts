import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { ZPageQuery } from '../core/pagination.js';
import { actorOf } from '../auth/admin-auth.js';
import { getBusinessRow } from '../businesses/business-service.js';
import { listDeliveries, replayDeadLetters } from './dead-letters.js';
import { ZDeadLetterFilter } from './routes.js';
import { PROVIDER_SLA_TARGETS, webhookStats, type SlaProvider } from './stats.js';

const TAGS = ['webhooks'];
const ZBusinessParams = z.object({ businessId: z.uuid() });
const ZScopedFilter = ZDeadLetterFilter.extend({ endpointId: z.uuid().optional() });
const ZOperatorFilter = ZScopedFilter.extend({ businessId: z.uuid().optional() });
const ZReplayBody = ZOperatorFilter.extend({ deliveryIds: z.array(z.uuid()).min(1).max(1000).optional(), all: z.literal(true).optional() }).strict();

const hasFilter = (b: z.infer<typeof ZReplayBody>) => Boolean(b.businessId || b.endpointId || b.eventType || b.from || b.to || b.deliveryIds);

/** Dead letters across a business and across the platform (admin console), and the SLA stats. */
export function deadLetterRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/admin/businesses/:businessId/webhook-dead-letters', { schema: { tags: TAGS, summary: 'Dead-lettered deliveries of a business', params: ZBusinessParams, querystring: ZPageQuery.extend(ZScopedFilter.shape) } }, async (req) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      return listDeliveries(ctx, { ...req.query, businessId: req.params.businessId, status: 'dead' }, req.query);
    });

    app.post(
      '/admin/businesses/:businessId/webhook-dead-letters/replay',
      { schema: { tags: TAGS, summary: 'Replay a business\'s dead letters: by ids, by filter, or all (empty body)', params: ZBusinessParams, body: ZScopedFilter.extend({ deliveryIds: z.array(z.uuid()).min(1).max(1000).optional() }).strict().default({}) } },
      async (req) => {
        await getBusinessRow(ctx.db, req.params.businessId);
        return replayDeadLetters(ctx, { ...req.body, businessId: req.params.businessId }, actorOf(req));
      },
    );

    app.get('/admin/webhooks/dead-letters', { schema: { tags: TAGS, summary: 'Dead-lettered deliveries across all businesses', querystring: ZPageQuery.extend(ZOperatorFilter.shape) } }, async (req) =>
      listDeliveries(ctx, { ...req.query, status: 'dead' }, req.query),
    );

    app.post('/admin/webhooks/dead-letters/replay', { schema: { tags: TAGS, summary: 'Replay dead letters by ids or filter; replaying everything needs {"all": true}', body: ZReplayBody } }, async (req) => {
      if (!hasFilter(req.body) && !req.body.all) throw new AppError('validation_failed', 'Give a filter (businessId, endpointId, eventType, from, to, deliveryIds) or {"all": true}.');
      const { all: _all, ...filter } = req.body;
      return replayDeadLetters(ctx, filter, actorOf(req));
    });

    app.post('/admin/webhooks/dead-letters/:deliveryId/replay', { schema: { tags: TAGS, summary: 'Replay one dead letter', params: z.object({ deliveryId: z.uuid() }) } }, async (req) => {
      const r = await replayDeadLetters(ctx, { deliveryIds: [req.params.deliveryId] }, actorOf(req));
      if (r.replayed === 0) throw new AppError('conflict', 'That delivery is not in the dead-letter queue (or its endpoint was deleted).');
      return r;
    });

    app.get(
      '/swedish-ops/webhook-stats',
      {
        schema: {
          tags: ['swedish-ops'],
          summary: 'Webhook delivery success over 1 h / 24 h / 7 d: inbound per POS provider against the SLA targets, outbound per endpoint',
          querystring: z.object({ provider: z.enum(Object.keys(PROVIDER_SLA_TARGETS) as [SlaProvider, ...SlaProvider[]]).optional(), hours: z.coerce.number().int().min(1).max(24 * 90).optional(), businessId: z.uuid().optional() }),
        },
      },
      async (req) => webhookStats(ctx, req.query),
    );
  };
}
