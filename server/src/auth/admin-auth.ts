import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { safeEqual } from '../core/crypto.js';
import type { Actor } from '../audit/audit-log.js';

/** Bearer-token guard for the operator API. Fails closed: no header, wrong scheme or wrong token → 401. */
export function requireAdminToken(adminToken: string) {
  return async function adminGuard(req: FastifyRequest): Promise<void> {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !safeEqual(match[1]!, adminToken)) {
      throw new AppError('unauthorized', 'A valid admin bearer token is required (Authorization: Bearer <ADMIN_TOKEN>).');
    }
    req.actor = 'admin-token';
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: string;
  }
}

/** Who did it and from where, for the audit log. */
export function actorOf(req: FastifyRequest): Actor {
  return { actor: req.actor ?? 'anonymous', ip: req.ip ?? null };
}
