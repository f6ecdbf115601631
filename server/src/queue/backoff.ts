/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^(attempt-1))]. */
export function computeBackoffMs(attempt: number, baseMs = 1_000, capMs = 5 * 60_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
