import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { ZPageQuery } from '../core/pagination.js';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../auth/admin-auth.js';
import { isOperator } from '../auth/principal.js';
import { recordAudit } from '../audit/audit-log.js';
import { OUTBOUND_EVENT_TYPES, TEST_EVENT_TYPE } from './event-types.js';
import { createEndpoint, deleteEndpoint, getEndpointRow, listEndpoints, rotateSecret, toEndpointDto, updateEndpoint, type EndpointActor } from './endpoint-service.js';
import { listAttempts, listDeliveries, replayDeadLetters } from './dead-letters.js';
import { emitEvent } from './emit.js';

const ZBusinessParams = z.object({ businessId: z.uuid() });
const ZEndpointParams = ZBusinessParams.extend({ endpointId: z.uuid() });
const ZEventTypes = z.array(z.enum(OUTBOUND_EVENT_TYPES)).min(1).max(OUTBOUND_EVENT_TYPES.length);
const ZEndpointInput = z
  .object({
    url: z.string().trim().min(8).max(2048),
    eventTypes: ZEventTypes,
    description: z.string().trim().max(500).optional(),
    ordered: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export const ZInstant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());
export const ZDeadLetterFilter = z.object({ eventType: z.enum([...OUTBOUND_EVENT_TYPES, TEST_EVENT_TYPE]).optional(), from: ZInstant.optional(), to: ZInstant.optional() });
const TAGS = ['webhooks'];

/** The audit actor, marked as operator or tenant user: only operators may register loopback destinations in production. */
function endpointActor(req: FastifyRequest): EndpointActor {
  return { ...actorOf(req), isOperator: !!req.principal && isOperator(req.principal) };
}

/** Merchant endpoints for outbound webhooks, under the admin scope. */
export function endpointRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const base = '/admin/businesses/:businessId/webhook-endpoints';
    app.post(base, { schema: { tags: TAGS, summary: 'Register a webhook endpoint; the whsec_ secret is returned only in this response', params: ZBusinessParams, body: ZEndpointInput } }, async (req, reply) =>
      reply.status(201).send(await createEndpoint(ctx, req.params.businessId, req.body, endpointActor(req))),
    );

    app.get(base, { schema: { tags: TAGS, summary: 'List webhook endpoints', params: ZBusinessParams, querystring: ZPageQuery } }, async (req) => listEndpoints(ctx, req.params.businessId, req.query));

    app.get(`${base}/:endpointId`, { schema: { tags: TAGS, summary: 'Get a webhook endpoint', params: ZEndpointParams } }, async (req) => toEndpointDto(await getEndpointRow(ctx, req.params.businessId, req.params.endpointId)));

    app.patch(`${base}/:endpointId`, { schema: { tags: TAGS, summary: 'Change URL, event types, description, ordering, or enable/disable', params: ZEndpointParams, body: ZEndpointInput.partial().strict() } }, async (req) =>
      updateEndpoint(ctx, req.params.businessId, req.params.endpointId, req.body, endpointActor(req)),
    );

    app.delete(`${base}/:endpointId`, { schema: { tags: TAGS, summary: 'Delete an endpoint (waiting deliveries are dead-lettered)', params: ZEndpointParams } }, async (req, reply) => {
      await deleteEndpoint(ctx, req.params.businessId, req.params.endpointId, actorOf(req));
      return reply.status(204).send();
    });

    app.post(
      `${base}/:endpointId/rotate-secret`,
      { schema: { tags: TAGS, summary: 'New secret; the old one keeps signing alongside it for the overlap window', params: ZEndpointParams, body: z.object({ overlapHours: z.number().min(0).max(720).optional() }).strict().default({}) } },
      async (req) => rotateSecret(ctx, req.params.businessId, req.params.endpointId, req.body.overlapHours, actorOf(req)),
    );

    app.post(`${base}/:endpointId/test`, { schema: { tags: TAGS, summary: 'Queue a signed webhook.test event to this endpoint', params: ZEndpointParams } }, async (req, reply) => {
      const ep = await getEndpointRow(ctx, req.params.businessId, req.params.endpointId);
      if (!ep.enabled) throw new AppError('conflict', 'Enable the endpoint before sending a test event.');
      const who = actorOf(req);
      const result = await ctx.db.writer.run(async (trx) => {
        const r = await emitEvent(ctx, { businessId: ep.business_id, type: TEST_EVENT_TYPE, endpointId: ep.id, data: { message: 'Test event from Kvittra', endpointId: ep.id } }, trx);
        await recordAudit(trx, { ...who, action: 'webhook_endpoint.test', targetType: 'webhook_endpoint', targetId: ep.id, details: { eventId: r.eventId } });
        return r;
      });
      ctx.queue.notify();
      return reply.status(202).send({ eventId: result.eventId, deliveryId: result.deliveryIds[0] ?? null });
    });

    app.get(
      `${base}/:endpointId/deliveries`,
      { schema: { tags: TAGS, summary: 'Deliveries to this endpoint, newest first', params: ZEndpointParams, querystring: ZPageQuery.extend({ status: z.enum(['pending', 'in_flight', 'delivered', 'dead']).optional() }) } },
      async (req) => {
        await getEndpointRow(ctx, req.params.businessId, req.params.endpointId);
        return listDeliveries(ctx, { endpointId: req.params.endpointId, status: req.query.status }, req.query);
      },
    );

    app.get(`${base}/:endpointId/attempts`, { schema: { tags: TAGS, summary: 'Every delivery attempt to this endpoint (status, latency, response excerpt), newest first', params: ZEndpointParams, querystring: ZPageQuery.extend({ deliveryId: z.uuid().optional() }) } }, async (req) => {
      await getEndpointRow(ctx, req.params.businessId, req.params.endpointId);
      return listAttempts(ctx, req.params.endpointId, req.query);
    });

    app.get(`${base}/:endpointId/dead-letters`, { schema: { tags: TAGS, summary: 'Dead-lettered deliveries of this endpoint', params: ZEndpointParams, querystring: ZPageQuery.extend(ZDeadLetterFilter.shape) } }, async (req) => {
      await getEndpointRow(ctx, req.params.businessId, req.params.endpointId);
      return listDeliveries(ctx, { endpointId: req.params.endpointId, status: 'dead', eventType: req.query.eventType, from: req.query.from, to: req.query.to }, req.query);
    });

    app.post(`${base}/:endpointId/dead-letters/replay`, { schema: { tags: TAGS, summary: 'Replay this endpoint\'s dead letters matching the filter (an empty body replays all)', params: ZEndpointParams, body: ZDeadLetterFilter.strict().default({}) } }, async (req) => {
      await getEndpointRow(ctx, req.params.businessId, req.params.endpointId);
      return replayDeadLetters(ctx, { businessId: req.params.businessId, endpointId: req.params.endpointId, ...req.body }, actorOf(req));
    });

    app.post(`${base}/:endpointId/dead-letters/:deliveryId/replay`, { schema: { tags: TAGS, summary: 'Replay one dead letter', params: ZEndpointParams.extend({ deliveryId: z.uuid() }) } }, async (req) => {
      await getEndpointRow(ctx, req.params.businessId, req.params.endpointId);
      const r = await replayDeadLetters(ctx, { businessId: req.params.businessId, endpointId: req.params.endpointId, deliveryIds: [req.params.deliveryId] }, actorOf(req));
      if (r.replayed === 0) throw new AppError('conflict', 'That delivery is not in the dead-letter queue.');
      return r;
    });
  };
}
