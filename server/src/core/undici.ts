/**
 * undici, loaded on first outbound HTTP call (webhook delivery, POS APIs, payouts) rather than at
 * start-up: it is the largest package in the server bundle and most starts make no outbound request.
 */
let undici: Promise<typeof import('undici')> | undefined;

export function loadUndici(): Promise<typeof import('undici')> {
  return (undici ??= import('undici'));
}
