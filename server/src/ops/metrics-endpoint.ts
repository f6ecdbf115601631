import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { AppError, errorBody } from '../core/errors.js';
import { safeEqual } from '../core/crypto.js';

/**
 * Prometheus /metrics. It named every business and its volumes to anyone who asked, so it is never public now:
 * either on its own listener (METRICS_PORT on METRICS_HOST, loopback by default, for a scraper on the same
 * machine or private network), or on the main port behind a bearer token — METRICS_TOKEN, a scrape-only
 * credential, or the admin token.
 */
function bearerOf(header: string | undefined): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? null;
}

export function mayReadMetrics(ctx: AppContext, authorization: string | undefined): boolean {
  const token = bearerOf(authorization);
  if (!token) return false;
  const { token: metricsToken } = ctx.config.metrics;
  return safeEqual(token, ctx.config.adminToken) || (!!metricsToken && safeEqual(token, metricsToken));
}

/** GET /metrics on the main port (only when METRICS_PORT is not set). */
export function metricsRoute(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/metrics',
      {
        schema: { tags: ['health'], summary: 'Prometheus metrics (Authorization: Bearer METRICS_TOKEN or ADMIN_TOKEN; absent when METRICS_PORT serves them)', security: [{ metricsToken: [] }, { adminToken: [] }] },
      },
      async (req, reply) => {
        if (!mayReadMetrics(ctx, req.headers.authorization)) {
          reply.header('www-authenticate', 'Bearer realm="metrics"');
          throw new AppError('unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN> (or the admin token) to read /metrics.');
        }
        return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
      },
    );
  };
}

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/** The METRICS_PORT listener: GET /metrics, nothing else. Plain node:http, so it adds nothing to start-up. */
export async function startMetricsListener(ctx: AppContext): Promise<MetricsListener | null> {
  const { port, host } = ctx.config.metrics;
  if (port === undefined) return null;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(errorBody(new AppError('route_not_found', 'This listener serves GET /metrics only.'))));
      return;
    }
    ctx.metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType }).end(text),
      (err: unknown) => {
        ctx.log.error({ err }, 'metrics collection failed');
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(errorBody(new AppError('internal_error'))));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`;
  ctx.log.info({ url }, 'metrics listener started');
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
