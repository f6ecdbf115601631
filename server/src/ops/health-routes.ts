import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { VERSION } from '../core/version.js';
import { AppError, errorBody } from '../core/errors.js';

const HEAP_WARN_RATIO = 0.9;

async function databaseStatus(ctx: AppContext) {
  try {
    const ms = await ctx.db.ping();
    return { ok: true, responseTime: Math.round(ms * 100) / 100, dialect: ctx.db.dialect };
  } catch (err) {
    return { ok: false, responseTime: null, dialect: ctx.db.dialect, error: (err as Error).message };
  }
}

function memoryStatus() {
  const m = process.memoryUsage();
  // heapTotal grows on demand, so compare used heap with V8's hard limit rather than heapTotal.
  const limit = (process as unknown as { constrainedMemory?: () => number }).constrainedMemory?.() || 0;
  const heapLimit = limit > 0 ? Math.min(limit, 4 * 1024 ** 3) : 4 * 1024 ** 3;
  const ratio = m.heapUsed / heapLimit;
  return { ok: ratio < HEAP_WARN_RATIO, usage: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external } };
}

export function healthRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const notReady = (reason: string) => errorBody(new AppError('not_ready', `Not ready: ${reason}.`));

  return async (app) => {
    const ready = async (_req: unknown, reply: import('fastify').FastifyReply) => {
      if (!ctx.state.ready) return reply.status(503).send(notReady('start-up has not finished'));
      if (ctx.state.shuttingDown) return reply.status(503).send(notReady('shutting down'));
      const db = await databaseStatus(ctx);
      if (!db.ok) return reply.status(503).send(notReady('database is not answering'));
      return { ok: true, database: db };
    };

    app.get('/health', { schema: { tags: ['health'], summary: 'Overall health in the seed format' } }, async (_req, reply) => {
      const [database, memory] = [await databaseStatus(ctx), memoryStatus()];
      const ok = database.ok && memory.ok && ctx.state.ready;
      return reply.status(ok ? 200 : 503).send({ ok, timestamp: new Date().toISOString(), uptime: process.uptime(), version: VERSION, environment: ctx.config.env, services: { database, memory } });
    });
    app.get('/api/health/live', { schema: { tags: ['health'], summary: 'Liveness: the process answers' } }, async () => ({ ok: true }));
    app.get('/api/health/ready', { schema: { tags: ['health'], summary: 'Readiness: migrations ran and the database answers' } }, ready);
    app.get('/ready', { schema: { tags: ['health'], summary: 'Alias of /api/health/ready for load balancers' } }, ready);
    app.get('/api/health/startup', { schema: { tags: ['health'], summary: 'Measured start-up phases' } }, async () => ({
      ok: ctx.state.ready,
      phases: ctx.startup.phases,
      totalMs: ctx.startup.totalMs(),
      sla: { targetMs: 300, met: ctx.startup.totalMs() < 300 },
    }));
  };
}
