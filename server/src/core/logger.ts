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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'kvittra', version: VERSION, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };
