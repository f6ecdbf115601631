import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { normaliseSwedishMobile } from '../core/pii.js';
import { safeEqual } from '../core/crypto.js';
import { ZPageQuery, decodeCursor, toPage } from '../core/pagination.js';
import { recordAudit } from '../audit/audit-log.js';
import { actorOf } from '../auth/admin-auth.js';
import { findActiveBan, findDeviceBanForPhone } from './ban-service.js';

const ZAppeal = z
  .object({
    sessionId: z.uuid().optional(),
    sessionToken: z.string().min(10).max(200).optional(),
    phone: z.string().max(40).optional(),
    message: z.string().trim().min(10).max(2000),
    contact: z.string().trim().max(254).optional(),
  })
  .strict();

/** The keyed hashes a customer can prove: their session (with its token) and/or their phone number. */
async function appellantHashes(ctx: AppContext, body: z.infer<typeof ZAppeal>) {
  const hashes: { phone?: string | null; device?: string | null; ip?: string | null } = {};
  if (body.sessionId) {
    const s = await ctx.db.kysely.selectFrom('feedback_sessions').select(['token_hash', 'phone_hash', 'device_hash', 'ip_hash']).where('id', '=', body.sessionId).executeTakeFirst();
    const given = createHash('sha256').update(body.sessionToken ?? '').digest('base64url');
    if (!s || !safeEqual(given, s.token_hash)) throw new AppError('invalid_session_token');
    Object.assign(hashes, { phone: s.phone_hash, device: s.device_hash, ip: s.ip_hash });
  }
  if (body.phone) {
    const phone = normaliseSwedishMobile(body.phone);
    if (!phone) throw new AppError('invalid_phone');
    hashes.phone = ctx.services.pii.hash('phone', phone);
  }
  return hashes;
}

/** Customer side: a banned customer asks for a review (public, rate-limited). */
export function publicAppealRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/v1/appeals', { config: { rateLimit: { max: 5, timeWindow: '1 minute' } }, schema: { tags: ['customer'], summary: 'Appeal a ban (identify by your session and/or phone number)', body: ZAppeal } }, async (req, reply) => {
      if (!req.body.sessionId && !req.body.phone) throw new AppError('validation_failed', 'Give the session you used or your phone number.');
      const hashes = await appellantHashes(ctx, req.body);
      // A number refused because a banned device was paid to it appeals that device's ban.
      const ban = (await findActiveBan(ctx.db, hashes)) ?? (hashes.phone ? await findDeviceBanForPhone(ctx.db, hashes.phone) : null);
      const row = { id: newId(), ban_id: ban?.id ?? null, message: req.body.message, contact_enc: req.body.contact ? ctx.services.pii.seal('appeal-contact', req.body.contact) : null, status: 'pending', decision_reason: null, decided_by: null, decided_at: null, ip_hash: ctx.services.pii.hash('ip', req.ip), created_at: nowIso() };
      await ctx.db.writer.run((trx) => trx.insertInto('ban_appeals').values(row).execute());
      return reply.status(202).send({ appealId: row.id, status: 'received' });
    });
  };
}

/** Operator side: the appeal queue and decisions (lifting the ban when the appeal is granted). */
export function appealAdminRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/admin/appeals', { schema: { tags: ['admin-console'], summary: 'Ban appeals', querystring: ZPageQuery.extend({ status: z.enum(['pending', 'upheld', 'lifted']).optional() }) } }, async (req) => {
      const after = decodeCursor(req.query.cursor);
      let q = ctx.db.kysely.selectFrom('ban_appeals as a').leftJoin('bans as b', 'b.id', 'a.ban_id').selectAll('a').select(['b.kind as banKind', 'b.reason as banReason', 'b.status as banStatus']).orderBy('a.id', 'desc').limit(req.query.limit + 1);
      if (req.query.status) q = q.where('a.status', '=', req.query.status);
      if (after) q = q.where('a.id', '<', after);
      const page = toPage(await q.execute(), req.query.limit);
      return {
        items: page.items.map((a) => ({ id: a.id, banId: a.ban_id, ban: a.ban_id ? { kind: a.banKind, reason: a.banReason, status: a.banStatus } : null, message: a.message, contact: a.contact_enc ? ctx.services.pii.open('appeal-contact', a.contact_enc) : null, status: a.status, decisionReason: a.decision_reason, decidedBy: a.decided_by, decidedAt: a.decided_at, createdAt: a.created_at })),
        nextCursor: page.nextCursor,
      };
    });

    app.post('/admin/appeals/:appealId/decision', { schema: { tags: ['admin-console'], summary: 'Decide an appeal: lift the ban or uphold it', params: z.object({ appealId: z.uuid() }), body: z.object({ decision: z.enum(['lift', 'uphold']), reason: z.string().trim().min(3).max(500) }).strict() } }, async (req) => {
      const who = actorOf(req);
      const status = req.body.decision === 'lift' ? 'lifted' : 'upheld';
      await ctx.db.writer.run(async (trx) => {
        const appeal = await trx.selectFrom('ban_appeals').selectAll().where('id', '=', req.params.appealId).executeTakeFirst();
        if (!appeal) throw notFound('Appeal');
        const upd = await trx.updateTable('ban_appeals').set({ status, decision_reason: req.body.reason, decided_by: who.actor, decided_at: nowIso() }).where('id', '=', appeal.id).where('status', '=', 'pending').executeTakeFirst();
        if (upd.numUpdatedRows === 0n) throw new AppError('conflict', `Appeal already ${appeal.status}.`);
        if (status === 'lifted' && appeal.ban_id) await trx.updateTable('bans').set({ status: 'lifted', lifted_at: nowIso(), lifted_by: who.actor }).where('id', '=', appeal.ban_id).where('status', '=', 'active').execute();
        await recordAudit(trx, { ...who, action: `appeal.${req.body.decision}`, targetType: 'ban_appeal', targetId: appeal.id, details: { banId: appeal.ban_id, reason: req.body.reason } });
      });
      return { id: req.params.appealId, status };
    });
  };
}
