import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { actorOf } from '../auth/admin-auth.js';
import { getBusinessRow } from '../businesses/business-service.js';
import { parseSekAmount } from '../rewards/money.js';
import { AppError } from '../core/errors.js';
import { decideClaim, exportClaimsCsv, importClaimsCsv, listClaims } from './store-review-service.js';
import { XLSX_CONTENT_TYPE, exportClaimsXlsx, importClaimsXlsx } from './store-review-xlsx.js';

const ZBusinessParams = z.object({ businessId: z.uuid() });

/** Store-code claims awaiting the shop's review: list, export, import the marked file, decide one. */
export function storeReviewRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    app.addContentTypeParser([XLSX_CONTENT_TYPE, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));

    app.get('/admin/businesses/:businessId/store-claims', { schema: { tags: ['admin'], summary: 'Store-code claims', params: ZBusinessParams, querystring: z.object({ status: z.enum(['pending', 'verified', 'rejected']).optional() }) } }, async (req) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      return { items: await listClaims(ctx, req.params.businessId, req.query.status) };
    });

    app.get('/admin/businesses/:businessId/store-claims/export.csv', { schema: { tags: ['admin'], summary: 'Pending claims as CSV for the shop to mark', params: ZBusinessParams } }, async (req, reply) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="kvittra-verifiering.csv"').send(await exportClaimsCsv(ctx, req.params.businessId));
    });

    app.get('/admin/businesses/:businessId/store-claims/export.xlsx', { schema: { tags: ['admin'], summary: 'Pending claims as an Excel workbook (Status drop-down)', params: ZBusinessParams } }, async (req, reply) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      return reply.type(XLSX_CONTENT_TYPE).header('content-disposition', 'attachment; filename="kvittra-verifiering.xlsx"').send(await exportClaimsXlsx(ctx, req.params.businessId));
    });

    app.post('/admin/businesses/:businessId/store-claims/import', { schema: { tags: ['admin'], summary: 'Import the marked file: text/csv body, or the .xlsx workbook as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', params: ZBusinessParams } }, async (req) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      if (Buffer.isBuffer(req.body)) return importClaimsXlsx(ctx, req.params.businessId, req.body, actorOf(req));
      if (typeof req.body !== 'string') throw new AppError('unsupported_media_type', 'Send the marked file as text/csv or .xlsx.');
      return importClaimsCsv(ctx, req.params.businessId, req.body, actorOf(req));
    });

    app.post(
      '/admin/businesses/:businessId/store-claims/:claimId/decision',
      { schema: { tags: ['admin'], summary: 'Verify or reject one claim', params: ZBusinessParams.extend({ claimId: z.uuid() }), body: z.object({ status: z.enum(['verified', 'rejected']), verifiedAmount: z.string().max(32).optional() }).strict() } },
      async (req) => {
        const amount = req.body.verifiedAmount === undefined ? null : parseSekAmount(req.body.verifiedAmount);
        if (req.body.verifiedAmount !== undefined && amount === null) throw new AppError('invalid_amount');
        return { status: await decideClaim(ctx, req.params.businessId, req.params.claimId, req.body.status, amount, actorOf(req)) };
      },
    );
  };
}
