import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { ZPageQuery } from '../core/pagination.js';
import { actorOf } from '../auth/admin-auth.js';
import { createLocation, getLocationRow, listLocations, qrUrlFor, rotateQrToken, toLocationDto, updateLocation } from './location-service.js';
import { qrPng, qrSvg } from './qr.js';
import { buildPosterPdf, posterFilename } from './poster.js';
import { getBusinessRow } from '../businesses/business-service.js';


const ZBusinessParams = z.object({ businessId: z.uuid() });
const ZLocationParams = ZBusinessParams.extend({ locationId: z.uuid() });
const ZLocationInput = z.object({ name: z.string().trim().min(1).max(200), address: z.string().trim().min(1).max(500) });
const ZLocationPatch = ZLocationInput.partial().extend({ status: z.enum(['active', 'disabled']).optional() }).strict();

export function locationRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const base = ctx.config.publicBaseUrl;
  return async (app) => {
    app.post('/admin/businesses/:businessId/locations', { schema: { tags: ['admin'], summary: 'Create a location with a static QR code', params: ZBusinessParams, body: ZLocationInput } }, async (req, reply) => {
      const row = await createLocation(ctx.db, req.params.businessId, req.body, actorOf(req));
      return reply.status(201).send(toLocationDto(row, base));
    });

    app.get('/admin/businesses/:businessId/locations', { schema: { tags: ['admin'], summary: 'List locations', params: ZBusinessParams, querystring: ZPageQuery } }, async (req) => {
      const page = await listLocations(ctx.db, req.params.businessId, req.query);
      return { items: page.items.map((r) => toLocationDto(r, base)), nextCursor: page.nextCursor };
    });

    app.get('/admin/businesses/:businessId/locations/:locationId', { schema: { tags: ['admin'], summary: 'Get a location', params: ZLocationParams } }, async (req) =>
      toLocationDto(await getLocationRow(ctx.db, req.params.businessId, req.params.locationId), base),
    );

    app.patch('/admin/businesses/:businessId/locations/:locationId', { schema: { tags: ['admin'], summary: 'Update or disable a location', params: ZLocationParams, body: ZLocationPatch } }, async (req) =>
      toLocationDto(await updateLocation(ctx.db, req.params.businessId, req.params.locationId, req.body, actorOf(req)), base),
    );

    app.post('/admin/businesses/:businessId/locations/:locationId/rotate-qr', { schema: { tags: ['admin'], summary: 'Issue a new QR token; old printed codes stop working', params: ZLocationParams } }, async (req) =>
      toLocationDto(await rotateQrToken(ctx.db, req.params.businessId, req.params.locationId, actorOf(req)), base),
    );

    app.get('/admin/businesses/:businessId/locations/:locationId/qr.png', { schema: { tags: ['admin'], summary: 'QR code as PNG', params: ZLocationParams, querystring: z.object({ size: z.coerce.number().int().min(128).max(2048).default(512) }) } }, async (req, reply) => {
      const row = await getLocationRow(ctx.db, req.params.businessId, req.params.locationId);
      const png = await qrPng(qrUrlFor(base, row.qr_token), req.query.size);
      return reply.type('image/png').header('content-disposition', `attachment; filename="kvittra-qr-${row.id}.png"`).send(png);
    });

    app.get('/admin/businesses/:businessId/locations/:locationId/poster.pdf', { schema: { tags: ['admin'], summary: 'Printable A5 poster with the QR code and store code (PDF)', params: ZLocationParams }, config: { access: 'tenant' } }, async (req, reply) => {
      // getLocationRow is tenant-scoped: another business's location is a 404, like an unknown one.
      const row = await getLocationRow(ctx.db, req.params.businessId, req.params.locationId);
      const business = await getBusinessRow(ctx.db, req.params.businessId);
      const pdf = buildPosterPdf({ businessName: business.name, locationName: row.name, qrUrl: qrUrlFor(base, row.qr_token), storeCodeUrl: `${base}/s`, storeCode: row.store_code });
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${posterFilename(row.name, row.id)}"`).send(pdf);
    });

    app.get('/admin/businesses/:businessId/locations/:locationId/qr.svg', { schema: { tags: ['admin'], summary: 'QR code as SVG', params: ZLocationParams } }, async (req, reply) => {
      const row = await getLocationRow(ctx.db, req.params.businessId, req.params.locationId);
      const svg = await qrSvg(qrUrlFor(base, row.qr_token));
      return reply.type('image/svg+xml').header('content-disposition', `attachment; filename="kvittra-qr-${row.id}.svg"`).send(svg);
    });
  };
}
