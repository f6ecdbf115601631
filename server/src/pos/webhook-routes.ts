import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { POS_PROVIDERS } from './providers/types.js';
import type { WebhookIngestor } from './ingest-service.js';

const ZParams = z.object({ provider: z.enum(POS_PROVIDERS), connectionId: z.string().max(64) });

/**
 * `POST /webhooks/{provider}/{connectionId}` — every content type is taken as raw bytes in this
 * scope only, because signatures are computed over the exact body the provider sent.
 */
export function webhookRoutes(ctx: AppContext, ingestor: WebhookIngestor): FastifyPluginAsyncZod {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ctx.config.webhookBodyLimit }, (_req, body, done) => done(null, body));

    app.post(
      '/webhooks/:provider/:connectionId',
      {
        bodyLimit: ctx.config.webhookBodyLimit,
        schema: { tags: ['webhooks'], summary: 'Receive a signed POS webhook (Square, Shopify, Zettle)', params: ZParams },
        config: { rateLimit: { max: ctx.config.rateLimits.webhooksPerMinute, timeWindow: '1 minute', keyGenerator: (req: { params: unknown }) => `wh:${(req.params as { connectionId: string }).connectionId}` } },
      },
      async (req) => {
        const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]));
        return ingestor.ingest(req.params.provider, req.params.connectionId, { rawBody, headers });
      },
    );
  };
}
