import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { ZPageQuery, decodeCursor, toPage } from '../core/pagination.js';
import { actorOf } from '../auth/admin-auth.js';
import { isOperator } from '../auth/principal.js';
import { POS_PROVIDERS } from './providers/types.js';
import { createConnection, getConnectionRow, listConnections, toConnectionDto, updateConnection, type KeyChooser } from './connection-service.js';
import { listTransactions } from './transaction-service.js';
import type { WebhookIngestor } from './ingest-service.js';
import { recordTestEvent } from './test-event.js';

const ZExternalId = z.string().trim().min(1).max(200);

/** The guard has resolved the principal before any handler runs; only an operator's key starts vetted. */
const chooserOf = (req: FastifyRequest): KeyChooser => ({ byBusinessUser: !req.principal || !isOperator(req.principal) });

const ZBusinessParams = z.object({ businessId: z.uuid() });
const ZConnParams = ZBusinessParams.extend({ connectionId: z.uuid() });
const ZConnectionInput = z.object({
  provider: z.enum(POS_PROVIDERS),
  locationId: z.uuid(),
  externalMerchantId: ZExternalId,
  externalLocationId: ZExternalId.nullish(),
  signingKey: z.string().min(8).max(512),
});
const ZConnectionPatch = z
  .object({
    externalMerchantId: ZExternalId,
    externalLocationId: ZExternalId.nullable(),
    signingKey: z.string().min(8).max(512),
    status: z.enum(['active', 'disabled']),
  })
  .partial()
  .strict();

export function connectionRoutes(ctx: AppContext, ingestor: WebhookIngestor): FastifyPluginAsyncZod {
  const key = ctx.config.encryptionKey;
  return async (app) => {
    app.post('/admin/businesses/:businessId/pos-connections', { schema: { tags: ['admin'], summary: 'Connect a POS (the signing key is stored encrypted and never returned)', params: ZBusinessParams, body: ZConnectionInput } }, async (req, reply) => {
      const row = await createConnection(ctx.db, key, ctx.config.publicBaseUrl, req.params.businessId, req.body, actorOf(req), chooserOf(req));
      return reply.status(201).send(toConnectionDto(row));
    });

    app.get('/admin/businesses/:businessId/pos-connections', { schema: { tags: ['admin'], summary: 'List POS connections', params: ZBusinessParams, querystring: ZPageQuery } }, async (req) => {
      const page = await listConnections(ctx.db, req.params.businessId, req.query);
      return { items: page.items.map(toConnectionDto), nextCursor: page.nextCursor };
    });

    app.get('/admin/businesses/:businessId/pos-connections/:connectionId', { schema: { tags: ['admin'], summary: 'Get a POS connection', params: ZConnParams } }, async (req) =>
      toConnectionDto(await getConnectionRow(ctx.db, req.params.businessId, req.params.connectionId)),
    );

    app.patch('/admin/businesses/:businessId/pos-connections/:connectionId', { schema: { tags: ['admin'], summary: 'Update ids, rotate the signing key, or disable', params: ZConnParams, body: ZConnectionPatch } }, async (req) => {
      const row = await updateConnection(ctx.db, key, req.params.businessId, req.params.connectionId, req.body, actorOf(req), chooserOf(req));
      ingestor.invalidate(row.id);
      return toConnectionDto(row);
    });

    app.post('/admin/businesses/:businessId/pos-connections/:connectionId/test-event', { config: { access: 'tenant-owner' }, schema: { tags: ['admin'], summary: 'Record a marked test event (updates last event received; never creates a transaction)', params: ZConnParams } }, async (req, reply) =>
      reply.status(201).send(await recordTestEvent(ctx, req.params.businessId, req.params.connectionId, actorOf(req))),
    );

    app.get('/admin/businesses/:businessId/pos-connections/:connectionId/dead-letters', { schema: { tags: ['admin'], summary: 'Webhooks with a valid signature but an unusable payload', params: ZConnParams, querystring: ZPageQuery } }, async (req) => {
      await getConnectionRow(ctx.db, req.params.businessId, req.params.connectionId);
      const after = decodeCursor(req.query.cursor);
      let q = ctx.db.kysely.selectFrom('webhook_dead_letters').selectAll().where('connection_id', '=', req.params.connectionId).orderBy('id', 'desc').limit(req.query.limit + 1);
      if (after) q = q.where('id', '<', after);
      const page = toPage(await q.execute(), req.query.limit);
      return {
        items: page.items.map((r) => ({ id: r.id, provider: r.provider, reason: r.reason, details: r.details ? (JSON.parse(r.details) as unknown) : null, headers: JSON.parse(r.headers) as unknown, body: Buffer.from(r.body, 'base64').toString('utf8'), receivedAt: r.received_at })),
        nextCursor: page.nextCursor,
      };
    });

    app.get(
      '/admin/businesses/:businessId/transactions',
      {
        schema: {
          tags: ['admin'],
          summary: 'POS transactions of a business, newest first',
          params: ZBusinessParams,
          querystring: ZPageQuery.extend({ locationId: z.uuid().optional(), status: z.enum(['completed', 'partially_refunded', 'refunded']).optional(), provider: z.enum(POS_PROVIDERS).optional() }),
        },
      },
      async (req) => listTransactions(ctx.db, req.params.businessId, req.query),
    );
  };
}
