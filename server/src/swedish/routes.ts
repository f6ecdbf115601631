import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getBusinessContext } from './business-hours.js';
import { ALERT_LEVELS, getAlertSeverity } from './alert-severity.js';

const ZInstant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Operator endpoints: Swedish time context and business-hours-aware alert severity. */
export function swedishOpsRoutes(): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/swedish-ops/business-context', { schema: { tags: ['swedish-ops'], summary: 'Swedish business-time context at an instant (default now)', querystring: z.object({ at: ZInstant.optional() }) } }, async (req) =>
      getBusinessContext(req.query.at ?? new Date()),
    );

    app.post(
      '/swedish-ops/alert-severity',
      { schema: { tags: ['swedish-ops'], summary: 'Adjust an alert level to the Swedish time context', body: z.object({ base_level: z.enum(ALERT_LEVELS), at: ZInstant.optional() }).strict() } },
      async (req) => getAlertSeverity(req.body.base_level, req.body.at ?? new Date()),
    );
  };
}
