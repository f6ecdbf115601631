import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ALERT_LEVELS } from './alert-levels.js';
import { once } from '../core/lazy.js';

const ZInstant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

// The holiday calendar (date-holidays with its time-zone data) is large; load it on first use, not at start-up.
const calendar = once(() => import('./index.js'));

/** Operator endpoints: Swedish time context and business-hours-aware alert severity. */
export function swedishOpsRoutes(): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/swedish-ops/business-context', { schema: { tags: ['swedish-ops'], summary: 'Swedish business-time context at an instant (default now)', querystring: z.object({ at: ZInstant.optional() }) } }, async (req) =>
      (await calendar()).getBusinessContext(req.query.at ?? new Date()),
    );

    app.post(
      '/swedish-ops/alert-severity',
      { schema: { tags: ['swedish-ops'], summary: 'Adjust an alert level to the Swedish time context', body: z.object({ base_level: z.enum(ALERT_LEVELS), at: ZInstant.optional() }).strict() } },
      async (req) => (await calendar()).getAlertSeverity(req.body.base_level, req.body.at ?? new Date()),
    );
  };
}
