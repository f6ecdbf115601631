/**
 * Velocity checks: too many claims from one phone, device or IP, too many claims by
 * one phone at the same business, or one device claiming at too many places.
 *
 * All counts are of EARLIER claims in the window, not including the claim being
 * evaluated (that is what the DB finds before inserting it). A rule fires when
 * earlier + 1 > limit, i.e. the current claim is over the limit. Strength grows
 * with the excess e = earlier + 1 − limit:
 *   strength = max − (max − first) · 2^(−(e − 1) / limit)
 * so the first claim over the limit gets `first`, and every further `limit` claims
 * halve the remaining gap to `max`.
 *
 * Defaults (per rule: limit / first / max):
 *  - phone   3 claims per 24 h / 0.80 / 0.98 — the original product's per-phone limit;
 *    a phone is one person, so the 4th claim in a day holds on its own.
 *  - device  5 per 24 h / 0.60 / 0.95 — a little looser than phone (a shared family
 *    tablet), but device ids are cheap to reset, so exceeding it is meaningful.
 *  - IP     10 per 24 h / 0.35 / 0.85 — the original's per-IP limit, but weak: store
 *    guest Wi-Fi and mobile carrier NAT put many honest customers behind one IP, so it
 *    only holds alone at ~30 claims a day (or together with other signals).
 *  - phone at one business 3 per 7 days / 0.30 / 0.75 — regulars exist; a daily
 *    claimer at the same café is mainly milking the budget with repetitive feedback.
 *  - device locations 3 distinct per 24 h / 0.50 / 0.90 — a person visits a few
 *    shops a day; a device claiming at a 4th, 5th … location is harvesting receipts.
 *    Here the count is of distinct OTHER locations (not the current claim's one).
 */
import { makeSignal, type RiskSignal, type RiskSignalCode } from './signals.js';
import { toCount } from './math.js';

export interface VelocityRule {
  /** Claims allowed in the window, the current one included. */
  limit: number;
  /** Strength of the first claim over the limit. */
  firstStrength: number;
  /** Strength approached as the excess grows. */
  maxStrength: number;
}

export interface VelocityLimits {
  phonePerDay: VelocityRule;
  devicePerDay: VelocityRule;
  ipPerDay: VelocityRule;
  phoneSameBusinessPerWeek: VelocityRule;
  deviceLocationsPerDay: VelocityRule;
}

export const DEFAULT_VELOCITY_LIMITS: Readonly<VelocityLimits> = Object.freeze({
  phonePerDay: { limit: 3, firstStrength: 0.8, maxStrength: 0.98 },
  devicePerDay: { limit: 5, firstStrength: 0.6, maxStrength: 0.95 },
  ipPerDay: { limit: 10, firstStrength: 0.35, maxStrength: 0.85 },
  phoneSameBusinessPerWeek: { limit: 3, firstStrength: 0.3, maxStrength: 0.75 },
  deviceLocationsPerDay: { limit: 3, firstStrength: 0.5, maxStrength: 0.9 },
});

export interface VelocityCounts {
  /** Earlier claims by this phone in the last 24 h. */
  phoneLast24h?: number;
  /** Earlier claims from this device in the last 24 h. */
  deviceLast24h?: number;
  /** Earlier claims from this IP in the last 24 h. */
  ipLast24h?: number;
  /** Earlier claims by this phone at the same business in the last 7 days. */
  phoneSameBusinessLast7d?: number;
  /** Distinct other locations this device claimed at in the last 24 h. */
  locationsLast24hForDevice?: number;
}

/** Strength for `earlier` prior events under `rule`; 0 while within the limit. */
export function velocityStrength(earlier: number, rule: VelocityRule): number {
  const limit = Math.max(1, Math.floor(rule.limit));
  const excess = earlier + 1 - limit;
  if (!(excess >= 1)) return 0;
  return rule.maxStrength - (rule.maxStrength - rule.firstStrength) * 2 ** (-(excess - 1) / limit);
}

interface Check {
  code: RiskSignalCode;
  count: keyof VelocityCounts;
  rule: keyof VelocityLimits;
  window: '24h' | '7d';
  describe: (total: number, limit: number) => { sv: string; en: string };
}

const CHECKS: readonly Check[] = [
  {
    code: 'velocity_phone', count: 'phoneLast24h', rule: 'phonePerDay', window: '24h',
    describe: (t, l) => ({ sv: `${t} anspråk från samma telefonnummer på ett dygn (gräns ${l}).`, en: `${t} claims from the same phone number within 24 h (limit ${l}).` }),
  },
  {
    code: 'velocity_device', count: 'deviceLast24h', rule: 'devicePerDay', window: '24h',
    describe: (t, l) => ({ sv: `${t} anspråk från samma enhet på ett dygn (gräns ${l}).`, en: `${t} claims from the same device within 24 h (limit ${l}).` }),
  },
  {
    code: 'velocity_ip', count: 'ipLast24h', rule: 'ipPerDay', window: '24h',
    describe: (t, l) => ({ sv: `${t} anspråk från samma IP-adress på ett dygn (gräns ${l}).`, en: `${t} claims from the same IP address within 24 h (limit ${l}).` }),
  },
  {
    code: 'velocity_phone_business', count: 'phoneSameBusinessLast7d', rule: 'phoneSameBusinessPerWeek', window: '7d',
    describe: (t, l) => ({ sv: `${t} anspråk hos samma företag från samma telefonnummer på 7 dagar (gräns ${l}).`, en: `${t} claims at the same business from the same phone within 7 days (limit ${l}).` }),
  },
  {
    code: 'many_locations', count: 'locationsLast24hForDevice', rule: 'deviceLocationsPerDay', window: '24h',
    describe: (t, l) => ({ sv: `Enheten har gjort anspråk på ${t} olika platser på ett dygn (gräns ${l}).`, en: `The device claimed at ${t} different locations within 24 h (limit ${l}).` }),
  },
];

/**
 * One signal per rule that is over its limit (rules within their limit, and counts
 * that are missing, negative or not finite, produce nothing). `limits` may override
 * any subset of the defaults (e.g. an admin's per-business override).
 */
export function evaluateVelocity(counts: VelocityCounts, limits: Partial<VelocityLimits> = DEFAULT_VELOCITY_LIMITS): RiskSignal[] {
  const signals: RiskSignal[] = [];
  for (const check of CHECKS) {
    const earlier = toCount(counts[check.count]);
    if (earlier === undefined) continue;
    const rule = limits[check.rule] ?? DEFAULT_VELOCITY_LIMITS[check.rule];
    const strength = velocityStrength(earlier, rule);
    if (strength <= 0) continue;
    const total = earlier + 1;
    signals.push(makeSignal(check.code, strength, check.describe(total, rule.limit), { earlier, total, limit: rule.limit, window: check.window }));
  }
  return signals;
}
