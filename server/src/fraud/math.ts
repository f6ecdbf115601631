/** Small numeric helpers shared by the fraud modules. */

/** Clamp to [0, 1]; NaN (and anything non-numeric) becomes 0 so bad input can't poison a score. */
export function clamp01(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(1, Math.max(0, value));
}

/** Linear ramp: 0 at `from`, 1 at `to` (works in either direction), clamped. */
export function ramp(value: number, from: number, to: number): number {
  return clamp01((value - from) / (to - from));
}

/** A non-negative whole count, or undefined when the input isn't a usable number. */
export function toCount(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value) || value < 0) return undefined;
  return Math.floor(value);
}

/** "1 session" / "2 sessions" style helper for the bilingual reasons. */
export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
