import { BPS_DENOMINATOR, formatBps, formatSekEn, formatSekSv, mulDivFloor } from './money.js';
import type { RewardSettings, RewardTier } from './settings.js';

/**
 * The one reward function: score + verified purchase → cashback in öre. Pure and deterministic.
 *
 * Order (the final amount is the minimum over every limit, so the order only decides which limits
 * are reported as applied — a rate cap is reported when it lowered the rate, an amount cap when it
 * lowered the amount at its step):
 *   1. not_sek         – only SEK purchases earn (currency compared case-insensitively) → 0
 *   2. min_purchase    – purchases below minPurchaseMinor earn nothing → 0
 *   3. tier rate       – linear inside the tier, rounded down to whole bps
 *   4. max_pct         – rate clamped to settings.maxBps (defence in depth; validated settings never need it)
 *   5. high_purchase   – purchases strictly above the threshold are clamped to highPurchaseMaxBps
 *      amount = floor(purchase · bps / 10 000)
 *   6. per_reward_cap  – amount ≤ perRewardCapMinor
 *   7. customer_daily  – amount ≤ what this customer may still earn today
 *   8. daily_budget    – amount ≤ what the business has left today
 *   9. monthly_budget  – amount ≤ what the business has left this month
 * Remaining budgets below zero (overspent by a race) count as zero; null means unlimited.
 */

export type RewardCap =
  | 'max_pct'
  | 'high_purchase'
  | 'per_reward_cap'
  | 'daily_budget'
  | 'monthly_budget'
  | 'customer_daily'
  | 'min_purchase'
  | 'not_sek'
  /** The business's trial ended without an active plan (applied by computeRewardFor, not here). */
  | 'plan_inactive';

export interface RewardBudget {
  dailyRemainingMinor: number | null;
  monthlyRemainingMinor: number | null;
  customerDailyRemainingMinor: number | null;
}

export interface RewardInput {
  /** Integer quality score 0–100. */
  score: number;
  /** Verified purchase amount in minor units (öre for SEK). */
  purchaseAmountMinor: number;
  currency: string;
  settings: RewardSettings;
  budget: RewardBudget;
}

export interface RewardResult {
  amountMinor: number;
  /** Rate actually applied (after max_pct / high_purchase); 0 when the purchase is ineligible. */
  bps: number;
  tier: { name: string; labelSv: string };
  /** Tier rate × purchase before any cap; 0 when the purchase is ineligible. */
  uncappedMinor: number;
  appliedCaps: RewardCap[];
  explanation: { sv: string; en: string };
}

/** Remaining allowance for a limit: null (unlimited) stays null, never below zero. */
export function remainingBudget(limitMinor: number | null, spentMinor: number): number | null {
  if (limitMinor === null) return null;
  return Math.max(0, limitMinor - spentMinor);
}

export function tierForScore(tiers: readonly RewardTier[], score: number): RewardTier {
  const tier = tiers.find((t) => score >= t.minScore && score <= t.maxScore);
  if (!tier) throw new RangeError(`no reward tier covers score ${score}`);
  return tier;
}

/** Linear interpolation inside the tier: minScore → minBps, maxScore → maxBps, rounded down. */
export function tierBps(tier: RewardTier, score: number): number {
  const span = tier.maxScore - tier.minScore;
  if (span === 0) return tier.maxBps;
  return tier.minBps + Math.floor(((score - tier.minScore) * (tier.maxBps - tier.minBps)) / span);
}

function validateInput(input: RewardInput): void {
  const { score, purchaseAmountMinor, budget } = input;
  if (!Number.isInteger(score) || score < 0 || score > 100) throw new RangeError(`score must be an integer 0–100, got ${score}`);
  if (!Number.isSafeInteger(purchaseAmountMinor) || purchaseAmountMinor < 0) {
    throw new RangeError(`purchaseAmountMinor must be a non-negative integer, got ${purchaseAmountMinor}`);
  }
  for (const [key, value] of Object.entries(budget)) {
    if (value !== null && !Number.isSafeInteger(value)) throw new RangeError(`budget.${key} must be an integer or null, got ${value}`);
  }
}

const englishLabel = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ');

interface Step {
  cap: RewardCap;
  limit: number | null;
}

/** Applies the amount limits in order, recording each that lowers the amount. */
function applyAmountCaps(amount: number, steps: Step[], applied: RewardCap[]): number {
  let current = amount;
  for (const { cap, limit } of steps) {
    if (limit === null) continue;
    const bounded = Math.max(0, limit);
    if (current > bounded) {
      current = bounded;
      applied.push(cap);
    }
  }
  return current;
}

function ineligible(input: RewardInput, tier: RewardTier, cap: 'not_sek' | 'min_purchase'): RewardResult {
  const min = input.settings.minPurchaseMinor;
  const explanation =
    cap === 'not_sek'
      ? { sv: `Ingen belöning: köpet är inte i svenska kronor (${input.currency}).`, en: `No reward: the purchase is not in SEK (${input.currency}).` }
      : {
          sv: `Ingen belöning: köpet på ${formatSekSv(input.purchaseAmountMinor)} är under minimibeloppet ${formatSekSv(min)}.`,
          en: `No reward: the purchase of ${formatSekEn(input.purchaseAmountMinor)} is below the minimum of ${formatSekEn(min)}.`,
        };
  return { amountMinor: 0, bps: 0, tier: { name: tier.name, labelSv: tier.labelSv }, uncappedMinor: 0, appliedCaps: [cap], explanation };
}

function capNote(cap: RewardCap, s: RewardSettings): { sv: string; en: string } {
  switch (cap) {
    case 'max_pct':
      return { sv: `högst ${formatBps(s.maxBps, 'sv')} av köpet`, en: `max ${formatBps(s.maxBps, 'en')} of the purchase` };
    case 'high_purchase':
      return {
        sv: `högst ${formatBps(s.highPurchaseMaxBps, 'sv')} för köp över ${formatSekSv(s.highPurchaseThresholdMinor)}`,
        en: `max ${formatBps(s.highPurchaseMaxBps, 'en')} for purchases over ${formatSekEn(s.highPurchaseThresholdMinor)}`,
      };
    case 'per_reward_cap':
      return { sv: `högst ${formatSekSv(s.perRewardCapMinor)} per feedback`, en: `max ${formatSekEn(s.perRewardCapMinor)} per feedback` };
    case 'customer_daily':
      return { sv: 'kundens dagsgräns', en: "the customer's daily limit" };
    case 'daily_budget':
      return { sv: 'företagets dagsbudget', en: "the business's daily budget" };
    case 'monthly_budget':
      return { sv: 'företagets månadsbudget', en: "the business's monthly budget" };
    default:
      return { sv: cap, en: cap };
  }
}

function explain(input: RewardInput, tier: RewardTier, tierRate: number, result: Omit<RewardResult, 'explanation'>): { sv: string; en: string } {
  const { score, purchaseAmountMinor: purchase, settings } = input;
  const points = score === 1 ? 'point' : 'points';
  if (tierRate === 0) {
    const first = settings.tiers.find((t) => t.maxBps > 0);
    const needSv = first ? ` (minst ${first.minScore} poäng krävs)` : '';
    const needEn = first ? ` (at least ${first.minScore} points needed)` : '';
    return { sv: `${score} poäng (${tier.labelSv}) ger ingen belöning${needSv}.`, en: `${score} ${points} (${englishLabel(tier.name)}) gives no reward${needEn}.` };
  }
  const baseSv = `${score} poäng (${tier.labelSv}) ger ${formatBps(tierRate, 'sv')} av ${formatSekSv(purchase)} = ${formatSekSv(result.uncappedMinor)}`;
  const baseEn = `${score} ${points} (${englishLabel(tier.name)}) gives ${formatBps(tierRate, 'en')} of ${formatSekEn(purchase)} = ${formatSekEn(result.uncappedMinor)}`;
  if (result.appliedCaps.length === 0) return { sv: `${baseSv}.`, en: `${baseEn}.` };
  const notes = result.appliedCaps.map((cap) => capNote(cap, settings));
  return {
    sv: `${baseSv}; begränsat av ${notes.map((n) => n.sv).join(', ')}: ${formatSekSv(result.amountMinor)}.`,
    en: `${baseEn}; limited by ${notes.map((n) => n.en).join(', ')}: ${formatSekEn(result.amountMinor)}.`,
  };
}

export function computeReward(input: RewardInput): RewardResult {
  validateInput(input);
  const { score, purchaseAmountMinor: purchase, settings: s, budget } = input;
  const tier = tierForScore(s.tiers, score);
  if (input.currency.toUpperCase() !== 'SEK') return ineligible(input, tier, 'not_sek');
  if (purchase < s.minPurchaseMinor) return ineligible(input, tier, 'min_purchase');

  const rate = tierBps(tier, score);
  const applied: RewardCap[] = [];
  let bps = rate;
  if (bps > s.maxBps) {
    bps = s.maxBps;
    applied.push('max_pct');
  }
  if (purchase > s.highPurchaseThresholdMinor && bps > s.highPurchaseMaxBps) {
    bps = s.highPurchaseMaxBps;
    applied.push('high_purchase');
  }
  const uncappedMinor = mulDivFloor(purchase, rate, BPS_DENOMINATOR);
  const amountMinor = applyAmountCaps(
    mulDivFloor(purchase, bps, BPS_DENOMINATOR),
    [
      { cap: 'per_reward_cap', limit: s.perRewardCapMinor },
      { cap: 'customer_daily', limit: budget.customerDailyRemainingMinor },
      { cap: 'daily_budget', limit: budget.dailyRemainingMinor },
      { cap: 'monthly_budget', limit: budget.monthlyRemainingMinor },
    ],
    applied,
  );
  const result = { amountMinor, bps, tier: { name: tier.name, labelSv: tier.labelSv }, uncappedMinor, appliedCaps: applied };
  return { ...result, explanation: explain(input, tier, rate, result) };
}
