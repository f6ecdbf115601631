import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, errorBody, excerpt, type ErrorCode } from '../core/errors.js';

/**
 * Fastify's own error codes that a client can cause, mapped into our catalogue. Every other Fastify
 * code is a build-time or programming error (test/unit/framework-errors.test.ts says why, code by code).
 */
export const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  // Fastify's 400 for a QUERY without Content-Type; a body without one elsewhere is 415, so this is too.
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'validation_failed',
};

export function toAppError(err: FastifyError | Error): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const details = fe.validation.map((v) => ({ path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'), message: v.message }));
    return new AppError('validation_failed', `Invalid ${fe.validationContext ?? 'request'}: ${details.map((d) => `${d.path || '(root)'} ${d.message}`).join('; ')}`, details);
  }
  if (fe.validation) return new AppError('validation_failed', fe.message, fe.validation);
  if (fe.code && FASTIFY_CODES[fe.code]) return new AppError(FASTIFY_CODES[fe.code]!);
  if (err instanceof SyntaxError && fe.statusCode === 400) return new AppError('invalid_json');
  if (fe.statusCode === 429) return new AppError('rate_limited', fe.message);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return new AppError('validation_failed', excerpt(fe.message, 300));
  return new AppError('internal_error');
}

function sendError(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appErr = toAppError(err);
  // The framework's own code (FST_ERR_…) goes to the log under the request id, not to the client.
  const cause = err instanceof AppError ? undefined : (err as FastifyError).code;
  if (appErr.status >= 500) req.log.error({ err }, 'request failed');
  else req.log.info({ code: appErr.code, status: appErr.status, cause }, 'request rejected');
  if (appErr.code === 'rate_limited' && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
  return reply.status(appErr.status).send(errorBody(appErr));
}

/**
 * Fastify's `frameworkErrors` option: rejections made while routing (bad percent-encoding, an
 * over-long path parameter, a failing async constraint). No route matched, so no onRequest hook ran:
 * the request id and the security headers are set here.
 */
export function frameworkErrorHandler(securityHeaders: Readonly<Record<string, string>>) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    reply.headers(securityHeaders).header('x-request-id', req.id);
    void sendError(err, req, reply);
  };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) => {
    const err = new AppError('route_not_found', `No endpoint ${req.method} ${excerpt(req.url.split('?')[0]!)}.`);
    return reply.status(404).send(errorBody(err));
  });
}
