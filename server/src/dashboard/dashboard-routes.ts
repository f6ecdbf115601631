import { Readable } from 'node:stream';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { CSV_BOM, CSV_SEPARATOR, csvCell } from '../rewards/csv.js';
import { formatMinorPlain } from '../rewards/money.js';
import { DashboardCache } from './cache.js';
import { overview } from './overview-service.js';
import { insights } from './insights-service.js';
import { feedbackBatches, feedbackDetail, listFeedback } from './feedback-service.js';
import { ZONE, ZRangeQuery, dayRange } from './time-range.js';

export const CSV_MAX_ROWS = 50_000;
const ZBusiness = z.object({ businessId: z.uuid() });
const ZFilters = ZRangeQuery.extend({
  minScore: z.coerce.number().int().min(0).max(100).optional(),
  maxScore: z.coerce.number().int().min(0).max(100).optional(),
  category: z.string().trim().min(1).max(50).optional(),
  sentiment: z.enum(['positive', 'neutral', 'negative']).optional(),
  q: z.string().trim().min(1).max(100).optional(),
});
const CSV_HEADER = ['Datum', 'Tid', 'Plats', 'Kanal', 'Verifiering', 'Poäng', 'Sentiment', 'Kategorier', 'Belöning (kr)', 'Feedback'];

function filtersOf(q: z.infer<typeof ZFilters>) {
  return { locationId: q.locationId, minScore: q.minScore, maxScore: q.maxScore, category: q.category, sentiment: q.sentiment, q: q.q };
}

/** Business dashboard reads (tenant: owners and staff of the business; operators too). */
export function dashboardRoutes(ctx: AppContext, opts: { redis?: Redis } = {}): FastifyPluginAsyncZod {
  return async (app) => {
    const cache = new DashboardCache(ctx, opts.redis);
    const tenant = { access: 'tenant' as const };

    app.get('/admin/businesses/:businessId/dashboard/overview', { config: tenant, schema: { tags: ['dashboard'], summary: 'KPIs, budget, daily trend by location, quality distribution (Stockholm days)', params: ZBusiness, querystring: ZRangeQuery } }, async (req) => {
      const range = dayRange(req.query);
      return cache.getOrCompute('overview', req.params.businessId, { r: [range.from, range.to], l: req.query.locationId ?? null }, () => overview(ctx, req.params.businessId, range, req.query.locationId));
    });

    app.get('/admin/businesses/:businessId/dashboard/insights', { config: tenant, schema: { tags: ['dashboard'], summary: 'Categories and sentiment over time, recurring topics, weekday × hour heatmap', params: ZBusiness, querystring: ZRangeQuery } }, async (req) => {
      const range = dayRange(req.query);
      return cache.getOrCompute('insights', req.params.businessId, { r: [range.from, range.to], l: req.query.locationId ?? null }, () => insights(ctx, req.params.businessId, range, req.query.locationId));
    });

    app.get('/admin/businesses/:businessId/feedback', { config: tenant, schema: { tags: ['dashboard'], summary: 'Released feedback, newest first (search and filters, keyset pages)', params: ZBusiness, querystring: ZFilters.extend({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(300).optional() }) } }, async (req) =>
      listFeedback(ctx, req.params.businessId, dayRange(req.query), filtersOf(req.query), req.query.limit, req.query.cursor),
    );

    app.get('/admin/businesses/:businessId/feedback/export.csv', { config: tenant, schema: { tags: ['dashboard'], summary: `Released feedback as CSV (Swedish Excel; at most ${CSV_MAX_ROWS} rows)`, params: ZBusiness, querystring: ZFilters } }, async (req, reply) => {
      const range = dayRange(req.query);
      const batches = feedbackBatches(ctx, req.params.businessId, range, filtersOf(req.query), CSV_MAX_ROWS);
      async function* lines() {
        yield CSV_BOM + CSV_HEADER.join(CSV_SEPARATOR) + '\r\n';
        for await (const batch of batches) {
          yield batch
            .map((f) => {
              const t = DateTime.fromISO(f.submittedAt, { zone: ZONE });
              const cells = [t.toISODate()!, t.toFormat('HH:mm'), csvCell(f.locationName), f.channel, f.verification, String(f.score ?? ''), f.sentimentLabel ?? '', csvCell(f.categories.join(', ')), f.rewardMinor === null ? '' : formatMinorPlain(f.rewardMinor), csvCell(f.excerpt)];
              return cells.join(CSV_SEPARATOR) + '\r\n';
            })
            .join('');
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="kvittra-feedback-${range.from}-${range.to}.csv"`)
        .send(Readable.from(lines()));
    });

    app.get('/admin/businesses/:businessId/feedback/:sessionId', { config: tenant, schema: { tags: ['dashboard'], summary: 'One released feedback with its conversation', params: ZBusiness.extend({ sessionId: z.uuid() }) } }, async (req) => feedbackDetail(ctx, req.params.businessId, req.params.sessionId));
  };
}
