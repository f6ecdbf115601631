import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return false;
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1));
}

/**
 * PostgreSQL text cannot hold U+0000, so such input would fail deep inside an insert (a 500) on one
 * backend and be stored on the other. Refuse it once, at the edge, for every route's parsed input.
 */
export async function rejectNulCharacters(req: FastifyRequest): Promise<void> {
  if (containsNul(req.query) || containsNul(req.params) || containsNul(req.body)) {
    throw new AppError('validation_failed', 'Text must not contain NUL characters.');
  }
}
