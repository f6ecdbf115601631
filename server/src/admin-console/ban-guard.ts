import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { normaliseSwedishMobile } from '../core/pii.js';
import { findActiveBan } from './ban-service.js';

const DEVICE_ID = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * Customer-scope hook: a banned IP, device (X-Device-Id) or phone number (claim and payout bodies) cannot
 * start or continue feedback. Reads stay open so a banned customer still sees their state; they are told
 * how to appeal. Runs after validation, so the body is parsed.
 */
export function banGuard(ctx: AppContext) {
  return async function checkBans(req: FastifyRequest): Promise<void> {
    if (req.method !== 'POST' || !req.url.startsWith('/api/v1/feedback-sessions')) return;
    const device = req.headers['x-device-id'];
    const body = (req.body ?? {}) as { phone?: unknown };
    const phone = typeof body.phone === 'string' ? normaliseSwedishMobile(body.phone) : null;
    const ban = await findActiveBan(ctx.db, {
      ip: ctx.services.pii.hash('ip', req.ip),
      device: typeof device === 'string' && DEVICE_ID.test(device) ? ctx.services.pii.hash('device', device) : null,
      phone: phone ? ctx.services.pii.hash('phone', phone) : null,
    });
    if (ban) throw new AppError('banned', undefined, { appeal: '/api/v1/appeals' });
  };
}
