import type { z } from 'zod';
import type { NormalisedEffect, NormalisedEvent, ParseResult } from './types.js';

/** Header lookup tolerant of callers that did not lower-case names; trims, treats blank as absent. */
export function headerValue(
  headers: Record<string, string | undefined> | undefined,
  name: string,
): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  let value = headers[name];
  if (typeof value !== 'string') {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

/** JSON.parse that reports failure as undefined instead of throwing. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function invalid(reason: string, details?: unknown): ParseResult {
  return details === undefined ? { ok: false, reason } : { ok: false, reason, details };
}

export function ok(event: NormalisedEvent): ParseResult {
  return { ok: true, event };
}

export function ignored(reason: string): NormalisedEffect {
  return { kind: 'ignored', reason };
}

/** Compact, JSON-safe zod issues for the dead-letter record. */
export function zodDetails(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Last line of defence for the "never throws" contract: any bug becomes an invalid result. */
export function guardParse(fn: () => ParseResult): ParseResult {
  try {
    return fn();
  } catch (error) {
    return invalid('internal parse error', error instanceof Error ? error.message : String(error));
  }
}

export function guardVerify(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}

/** Last four digits of a masked card number such as "•••• 4242" or "547420******1234". */
export function last4Digits(masked: unknown): string | null {
  if (typeof masked !== 'string') return null;
  // Only trust digits at the very end; "1234********" masks the last four, it doesn't show them.
  const match = /(\d{4})\s*$/.exec(masked);
  return match?.[1] ?? null;
}

/** What a provider's per-event-type handler returns before the envelope fields are attached. */
export type EffectResult =
  | { ok: true; effect: NormalisedEffect; locationId: string | null }
  | { ok: false; reason: string; details?: unknown };
