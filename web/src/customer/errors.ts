import type { TFunction } from 'i18next';
import { ApiError } from '../lib/api';

/** Codes after which the session cannot go on: the customer has to start again. */
const FATAL = new Set(['session_expired', 'invalid_session_token']);

export function errorCode(err: unknown): string {
  return err instanceof ApiError ? err.code : 'generic';
}

function errorDetails(err: unknown): { scope?: string; retryAfterSeconds?: number } {
  const d = err instanceof ApiError ? err.details : undefined;
  return d !== null && typeof d === 'object' ? (d as { scope?: string; retryAfterSeconds?: number }) : {};
}

/** The session's own attempts are used up (not the device's or network's): only a new session helps. */
const sessionSpent = (err: unknown) => errorCode(err) === 'too_many_attempts' && errorDetails(err).scope === 'session';

export function isFatal(err: unknown): boolean {
  return FATAL.has(errorCode(err)) || sessionSpent(err);
}

/** The customer-facing text for an API error: every catalogue code the customer API can answer has one. */
export function errorText(t: TFunction, err: unknown): string {
  const code = errorCode(err);
  if (sessionSpent(err)) return t('errors.too_many_attempts_session', { ns: 'customer' });
  const wait = errorDetails(err).retryAfterSeconds;
  if (code === 'too_many_attempts' && typeof wait === 'number') return t('errors.too_many_attempts_wait', { ns: 'customer', minutes: Math.max(1, Math.ceil(wait / 60)) });
  const key = code === 'route_not_found' ? 'errors.not_found' : `errors.${code}`;
  return t(key, { ns: 'customer', defaultValue: t('errors.generic', { ns: 'customer' }) });
}
