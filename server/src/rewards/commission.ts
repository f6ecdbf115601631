import { BPS_DENOMINATOR } from './money.js';

/**
 * Tiered platform commission (the original product's 20 % / 18 % / 15 %), marginal like income tax:
 * each band's rate applies only to the part of the month's commissionable net rewards that falls
 * inside it, so earning one more krona never lowers the commission (no cliff at a threshold).
 *
 * Rounding: the exact commission C(x) = Σ band-part × rate is a rational number; the total is
 * C(net) rounded half away from zero to whole öre, and each band's figure is the difference of the
 * rounded cumulative commission at its edges. So the band figures always add up to the total exactly,
 * the total is within half an öre of the exact figure, and it never exceeds the first (highest) rate.
 * A negative net (a month of claw-backs) mirrors a charge as a credit.
 */

export interface CommissionBand {
  /** Lower edge in öre of monthly commissionable net rewards; the first band starts at 0. */
  fromMinor: number;
  bps: number;
}

export interface CommissionBandLine {
  fromMinor: number;
  /** Upper edge (exclusive); null for the open top band. */
  toMinor: number | null;
  bps: number;
  /** The part of the net that falls inside this band (signed like the net). */
  baseMinor: number;
  commissionMinor: number;
}

export interface TieredCommission {
  baseMinor: number;
  commissionMinor: number;
  /** Effective rate in basis points (rounded down), for display. */
  effectiveBps: number;
  bands: CommissionBandLine[];
}

/** The platform default: 20 % up to 25 000 kr a month, 18 % up to 100 000 kr, 15 % above. */
export const DEFAULT_COMMISSION_TIERS: readonly CommissionBand[] = Object.freeze([
  Object.freeze({ fromMinor: 2_500_000, bps: 1_800 }),
  Object.freeze({ fromMinor: 10_000_000, bps: 1_500 }),
]);

/** The full band list: the base rate from 0, then the reduced rates above their thresholds. */
export function commissionBands(baseBps: number, tiers: readonly CommissionBand[]): CommissionBand[] {
  return [{ fromMinor: 0, bps: baseBps }, ...tiers.map((t) => ({ fromMinor: t.fromMinor, bps: t.bps }))];
}

/** Bands must start at 0, ascend strictly and never raise the rate; returns the problems found. */
export function bandProblems(bands: readonly CommissionBand[]): string[] {
  const problems: string[] = [];
  if (bands.length === 0) return ['at least one commission band is needed'];
  if (bands[0]!.fromMinor !== 0) problems.push('the first commission band must start at 0');
  bands.forEach((b, i) => {
    if (!Number.isSafeInteger(b.fromMinor) || b.fromMinor < 0) problems.push(`band ${i}: fromMinor must be a non-negative integer`);
    if (!Number.isSafeInteger(b.bps) || b.bps < 0 || b.bps > BPS_DENOMINATOR) problems.push(`band ${i}: bps must be 0–10000`);
    const prev = bands[i - 1];
    if (prev && b.fromMinor <= prev.fromMinor) problems.push(`band ${i}: fromMinor ${b.fromMinor} must be above the previous band's ${prev.fromMinor}`);
    if (prev && b.bps > prev.bps) problems.push(`band ${i}: rate ${b.bps} bps is above the previous band's ${prev.bps} bps (higher volume never pays a higher rate)`);
  });
  return problems;
}

/** Exact Σ part × bps (in öre·bps) of a non-negative amount, as a bigint. */
function exactScaled(amount: bigint, bands: readonly CommissionBand[]): bigint {
  let total = 0n;
  bands.forEach((b, i) => {
    const from = BigInt(b.fromMinor);
    const next = bands[i + 1];
    const to = next ? BigInt(next.fromMinor) : null;
    if (amount <= from) return;
    const top = to !== null && amount > to ? to : amount;
    total += (top - from) * BigInt(b.bps);
  });
  return total;
}

/** Cumulative commission of a non-negative amount, rounded half up to whole öre. */
function cumulative(amount: number, bands: readonly CommissionBand[]): number {
  const scaled = exactScaled(BigInt(amount), bands);
  const d = BigInt(BPS_DENOMINATOR);
  return Number((scaled * 2n + d) / (d * 2n));
}

export function tieredCommission(netMinor: number, bands: readonly CommissionBand[]): TieredCommission {
  if (!Number.isSafeInteger(netMinor)) throw new RangeError(`net must be a safe integer, got ${netMinor}`);
  const problems = bandProblems(bands);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const sign = netMinor < 0 ? -1 : 1;
  const abs = Math.abs(netMinor);
  const lines: CommissionBandLine[] = bands.map((b, i) => {
    const toMinor = bands[i + 1]?.fromMinor ?? null;
    const upper = toMinor === null ? abs : Math.min(abs, toMinor);
    const base = Math.max(0, upper - b.fromMinor);
    const commission = base === 0 ? 0 : cumulative(upper, bands) - cumulative(b.fromMinor, bands);
    // `|| 0` keeps -0 out of the output (a zero band of a credit month).
    return { fromMinor: b.fromMinor, toMinor, bps: b.bps, baseMinor: sign * base || 0, commissionMinor: sign * commission || 0 };
  });
  const commissionMinor = sign * cumulative(abs, bands) || 0;
  const effectiveBps = abs === 0 ? 0 : Math.floor((Math.abs(commissionMinor) * BPS_DENOMINATOR) / abs);
  return { baseMinor: netMinor, commissionMinor, effectiveBps, bands: lines };
}
