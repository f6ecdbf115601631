import type { FastifyInstance, FastifyRequest } from 'fastify';
import underPressure from '@fastify/under-pressure';
import { AppError } from '../core/errors.js';
import type { AppContext } from './context.js';

const RETRY_AFTER_SECONDS = 5;

/** Probes must answer even when the process is saturated, or an orchestrator would restart a busy pod. */
function isProbe(req: FastifyRequest): boolean {
  const url = req.routeOptions.url ?? '';
  return url.startsWith('/api/health/') || url === '/health' || url === '/ready' || url === '/metrics';
}

/**
 * Load shedding: while the event loop lags more than the limit, answer 503 + Retry-After at once
 * instead of queueing more work. Webhook senders retry on 503, customers see "try again", and
 * requests already accepted finish in time instead of everybody timing out together.
 */
export async function registerLoadShedding(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const maxDelay = ctx.config.loadShedMaxEventLoopDelayMs;
  if (maxDelay <= 0) return;
  await app.register(underPressure, {
    maxEventLoopDelay: maxDelay,
    sampleInterval: 250,
    pressureHandler: (req, reply, type, value) => {
      if (isProbe(req)) return undefined;
      ctx.metrics.loadShed.inc({ reason: String(type) });
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return Promise.reject(new AppError('overloaded', undefined, { reason: type, eventLoopDelayMs: Math.round(Number(value ?? 0)) }));
    },
  });
}
