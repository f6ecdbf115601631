import pino, { type Logger } from 'pino';
import { VERSION } from './version.js';

/** Header and field names whose values must never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-square-hmacsha256-signature"]',
  'req.headers["x-shopify-hmac-sha256"]',
  'req.headers["x-izettle-signature"]',
  'signingKey',
  '*.signingKey',
  'adminToken',
  'encryptionKey',
  'password',
  '*.password',
];

/** A request URL as logged: the path only. Query strings can carry one-time tokens (old invitation and reset links) and personal data. */
export const loggedPath = (url: string | undefined) => (url ?? '').split('?')[0]!;

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Replaces Fastify's request serializer (which logs the whole URL) for "incoming request" and every request-bound line. */
function serializeRequest(req: LoggedRequest) {
  return { method: req.method, url: loggedPath(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'kvittra', version: VERSION, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { req: serializeRequest },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };
