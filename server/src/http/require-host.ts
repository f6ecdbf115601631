import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';

/**
 * RFC 9112 §3.2: an HTTP/1.1 request without Host is answered 400. Node does that itself
 * (requireHostHeader) with an empty body and no request id; its check is off (app.ts) so this hook
 * answers in the catalogue's words instead.
 */
export async function requireHostHeader(req: FastifyRequest): Promise<void> {
  const { httpVersionMajor, httpVersionMinor } = req.raw;
  if (httpVersionMajor === 1 && httpVersionMinor === 1 && req.headers.host === undefined) {
    throw new AppError('malformed_request', 'An HTTP/1.1 request must carry a Host header.');
  }
}
