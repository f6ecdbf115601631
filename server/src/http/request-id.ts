import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is well-formed (so traces join up across services), else a fresh UUID. */
export function requestId(given?: string | string[]): string {
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Fastify's genReqId: every request — routed or rejected before routing — gets its id here. */
export const genReqId = (req: IncomingMessage): string => requestId(req.headers['x-request-id']);
