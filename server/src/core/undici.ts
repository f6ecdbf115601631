import { once } from './lazy.js';

/**
 * undici, loaded on first outbound HTTP call (webhook delivery, POS APIs, payouts) rather than at
 * start-up: it is the largest package in the server bundle and most starts make no outbound request.
 * Loaded through ./undici-exports.js, never as `import('undici')` (see there).
 */
export const loadUndici: () => Promise<typeof import('./undici-exports.js')> = once(() => import('./undici-exports.js'));
