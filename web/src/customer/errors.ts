import type { TFunction } from 'i18next';
import { ApiError } from '../lib/api';

/** Codes after which the session cannot go on: the customer has to start again. */
const FATAL = new Set(['session_expired', 'invalid_session_token']);

export function errorCode(err: unknown): string {
  return err instanceof ApiError ? err.code : 'generic';
}

export function isFatal(err: unknown): boolean {
  return FATAL.has(errorCode(err));
}

/** The customer-facing text for an API error: every catalogue code the customer API can answer has one. */
export function errorText(t: TFunction, err: unknown): string {
  const code = errorCode(err);
  const key = code === 'route_not_found' ? 'errors.not_found' : `errors.${code}`;
  return t(key, { ns: 'customer', defaultValue: t('errors.generic', { ns: 'customer' }) });
}
