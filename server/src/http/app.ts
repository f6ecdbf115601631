import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from './context.js';
import { frameworkErrorHandler, installErrorHandling } from './error-handler.js';
import { registerDocs } from './docs.js';
import { registerWebApp } from './web.js';
import { rejectNulCharacters } from './reject-nul.js';
import { registerLoadShedding } from './load-shedding.js';
import { helmetHeaders, registerSecurityHeaders } from './security-headers.js';
import { clientErrorHandler, installNodeRejections } from './client-errors.js';
import { genReqId } from './request-id.js';
import { requireHostHeader } from './require-host.js';
import cookie from '@fastify/cookie';
import { installAccessGuard, installRouteRegistry } from '../auth/access-guard.js';
import { accountRoutes } from '../accounts/account-routes.js';
import { teamRoutes } from '../accounts/team-routes.js';
import { dashboardRoutes } from '../dashboard/dashboard-routes.js';
import { adminConsoleRoutes } from '../admin-console/console-routes.js';
import { banGuard } from '../admin-console/ban-guard.js';
import { businessRoutes } from '../businesses/business-routes.js';
import { locationRoutes } from '../locations/location-routes.js';
import { connectionRoutes } from '../pos/connection-routes.js';
import { webhookRoutes } from '../pos/webhook-routes.js';
import { WebhookIngestor } from '../pos/ingest-service.js';
import { customerRoutes } from '../feedback/customer-routes.js';
import { voiceStreamRoutes } from '../feedback/voice-stream-routes.js';
import { storeReviewRoutes } from '../feedback/store-review-routes.js';
import { rewardAdminRoutes } from '../rewards/reward-admin-routes.js';
import { settingsRoutes } from '../settings/settings-routes.js';
import { gdprRoutes } from '../gdpr/gdpr-routes.js';
import multipart from '@fastify/multipart';
import { swedishOpsRoutes } from '../swedish/routes.js';
import { posSyncAdminRoutes, posSyncPublicRoutes } from '../pos-sync/routes.js';
import { metricsRoute } from '../ops/metrics-endpoint.js';
import { integrityRoutes } from '../ops/integrity-routes.js';
import { healthRoutes } from '../ops/health-routes.js';
import { endpointRoutes as webhookEndpointRoutes } from '../delivery/routes.js';
import { deadLetterRoutes as webhookDeadLetterRoutes } from '../delivery/dlq-routes.js';
import type { Redis } from 'ioredis';

export interface BuildOptions {
  redis?: Redis;
}

/**
 * A request with `Connection: Upgrade` reaches the router through @fastify/websocket's server-wide 'upgrade'
 * listener, and Node no longer manages its socket. A WebSocket route hijacks it; any other route answers normally
 * and the socket stayed open after the client was done, holding a file descriptor and making a graceful stop
 * wait for the shutdown timeout. Such a connection cannot carry another request: close it once answered.
 */
function closeUpgradedSocket(raw: IncomingMessage & { upgrade?: boolean }): void {
  // Node's HTTP parser sets `upgrade` on the message it hands to 'upgrade' listeners (not in @types/node).
  if (raw.upgrade && !raw.socket.destroyed) raw.socket.end();
}

/** Assembles the HTTP edge: every domain registers its routes; handlers stay thin. */
export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const securityHeaders = helmetHeaders();
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId,
    trustProxy: ctx.config.trustProxy,
    return503OnClosing: true,
    http: {
      // require-host.ts answers a missing Host in the catalogue's words instead of Node's empty 400.
      requireHostHeader: false,
      headersTimeout: ctx.config.httpHeadersTimeoutMs,
      // Node looks for timed-out requests every 30 s; a shorter headers timeout needs a shorter look.
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(ctx.config.httpHeadersTimeoutMs / 2)),
    },
    // Rejections before routing (Fastify's router, Node's parser) speak the catalogue too.
    frameworkErrors: frameworkErrorHandler(securityHeaders),
    clientErrorHandler: clientErrorHandler(ctx.log, securityHeaders),
  }).withTypeProvider<ZodTypeProvider>();
  installNodeRejections(app.server, ctx.log, securityHeaders);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installRouteRegistry(app);
  await app.register(cookie);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('preValidation', rejectNulCharacters);
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpDuration.observe({ method: req.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    closeUpgradedSocket(req.raw);
  });

  registerSecurityHeaders(app, securityHeaders);
  app.addHook('onRequest', requireHostHeader);
  await registerLoadShedding(app, ctx);
  await app.register(rateLimit, {
    global: false,
    ...(opts.redis ? { redis: opts.redis, nameSpace: `${ctx.config.redisKeyPrefix}rl:` } : {}),
    // If Redis is unreachable, serve rather than fail every request: availability over strict limits.
    skipOnError: true,
    errorResponseBuilder: (_req, c) => Object.assign(new Error(`Rate limit exceeded; retry in ${Math.ceil(c.ttl / 1000)} s.`), { statusCode: 429 }),
  });
  await registerDocs(app);

  const ingestor = new WebhookIngestor(ctx);

  await app.register(healthRoutes(ctx));
  if (ctx.config.metrics.port === undefined) await app.register(metricsRoute(ctx));
  await app.register(posSyncPublicRoutes(ctx));
  await app.register(webhookRoutes(ctx, ingestor));
  await app.register(async (customer) => {
    await customer.register(multipart, { limits: { fileSize: 20 * 1024 * 1024, files: 1, fields: 4 } });
    customer.addHook('preHandler', banGuard(ctx));
    await customer.register(customerRoutes(ctx, { redis: opts.redis }));
    await customer.register(voiceStreamRoutes(ctx));
  });
  await app.register(accountRoutes(ctx));
  await app.register(async (admin) => {
    // Limit before authenticating, so token guessing is throttled too.
    admin.addHook('onRequest', app.rateLimit({ max: ctx.config.rateLimits.adminPerMinute, timeWindow: '1 minute' }));
    // One guard for the whole scope: admin token, admin user or business user; routes are operator-only unless marked.
    installAccessGuard(admin, app, ctx);
    await admin.register(teamRoutes(ctx));
    await admin.register(dashboardRoutes(ctx, { redis: opts.redis }));
    await admin.register(adminConsoleRoutes(ctx));
    await admin.register(businessRoutes(ctx));
    await admin.register(locationRoutes(ctx));
    await admin.register(connectionRoutes(ctx, ingestor));
    await admin.register(swedishOpsRoutes());
    await admin.register(integrityRoutes(ctx));
    await admin.register(posSyncAdminRoutes(ctx));
    await admin.register(settingsRoutes(ctx));
    await admin.register(rewardAdminRoutes(ctx));
    await admin.register(storeReviewRoutes(ctx));
    await admin.register(gdprRoutes(ctx));
    await admin.register(webhookEndpointRoutes(ctx));
    await admin.register(webhookDeadLetterRoutes(ctx));
  });
  await registerWebApp(app);
  return app;
}
