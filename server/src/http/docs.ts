import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { VERSION } from '../core/version.js';

/** OpenAPI generated from the same zod schemas that validate requests; UI at /docs, JSON at /docs/json. */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Kvittra API', version: VERSION, description: 'Receipt-verified customer feedback for Swedish shops, cafés and restaurants. Errors are `{ "error": { "code", "message", "details" } }`.' },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN: reads /metrics only' } } },
      tags: [
        { name: 'admin', description: 'Operator API (Authorization: Bearer ADMIN_TOKEN)' },
        { name: 'customer', description: 'The customer app: sessions, purchase verification, feedback conversation, payout number' },
        { name: 'webhooks', description: 'Signed POS webhooks from Square, Shopify and Zettle' },
        { name: 'swedish-ops', description: 'Swedish business calendar and alerting (admin)' },
        { name: 'health', description: 'Probes and metrics' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
