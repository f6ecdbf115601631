import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { IntegrityProbe } from './integrity-probe.js';

const ZIntegrityQuery = z.object({ fresh: z.enum(['true', 'false']).optional() }).strict();

/**
 * GET /admin/health/integrity, operator-only (the admin scope's guard): it used to be public at
 * /api/health/integrity and ran PRAGMA integrity_check on the event loop, so anyone could freeze the server.
 */
export function integrityRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const probe = new IntegrityProbe(ctx);
  return async (app) => {
    app.get(
      '/admin/health/integrity',
      { schema: { tags: ['health'], summary: `Database integrity (SQLite quick_check and foreign keys on a worker thread; PostgreSQL constraint validation). Kept for 10 minutes; ?fresh=true runs it now`, querystring: ZIntegrityQuery } },
      async (req, reply) => {
        const report = await probe.report({ fresh: req.query.fresh === 'true' });
        return reply.status(report.ok ? 200 : 503).send(report);
      },
    );
  };
}
