import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { normaliseSwedishMobile } from '../core/pii.js';
import { clientIdentity } from '../feedback/client-identity.js';
import { findActiveBan, findDeviceBanForPhone } from './ban-service.js';

/**
 * Customer-scope hook: a banned IP, device or phone number (claim and payout bodies) cannot start or
 * continue feedback. Reads stay open so a banned customer still sees their state; they are told how to
 * appeal. Runs after validation, so the body is parsed.
 *
 * A device is both the client-chosen X-Device-Id and the server-signed device cookie (client-identity.ts),
 * so changing only the header does not shake off a ban; and a Swish number a banned device was paid to is
 * refused too, whatever device asks for it. What a ban cannot stop is in docs/runbook.md.
 */
export function banGuard(ctx: AppContext) {
  return async function checkBans(req: FastifyRequest): Promise<void> {
    if (req.method !== 'POST' || !req.url.startsWith('/api/v1/feedback-sessions')) return;
    const client = clientIdentity(ctx, req);
    const body = (req.body ?? {}) as { phone?: unknown };
    const phone = typeof body.phone === 'string' ? normaliseSwedishMobile(body.phone) : null;
    const phoneHash = phone ? ctx.services.pii.hash('phone', phone) : null;
    const ban = (await findActiveBan(ctx.db, { ip: client.ipHash, device: client.deviceHashes, phone: phoneHash })) ?? (phoneHash ? await findDeviceBanForPhone(ctx.db, phoneHash) : null);
    if (ban) throw new AppError('banned', undefined, { appeal: '/api/v1/appeals' });
  };
}
