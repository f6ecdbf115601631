import { z } from 'zod';
import { BPS_DENOMINATOR } from './money.js';
import { DEFAULT_COMMISSION_TIERS, bandProblems, commissionBands } from './commission.js';
import type { RewardSettings } from './settings.js';

/**
 * Operator-only money settings. The platform's commission, its tiers and VAT decide what a business
 * pays the platform, and the ceilings and review rules decide how much of the platform's money an
 * owner's reward settings can promise, so none of them live in the settings an owner may PATCH.
 * A business without its own billing row follows the platform defaults (ZPlatformBilling.defaults).
 */

const ZMinor = z.int().min(0);
const ZBps = z.int().min(0).max(BPS_DENOMINATOR);

/** Limits an owner's reward settings must stay inside (checked on PATCH, and clamped again when a reward is computed). */
export const ZRewardCeilings = z
  .object({
    /** No reward rate (tier, overall or large-purchase) above this. */
    maxBps: ZBps,
    /** No single reward above this, in öre. */
    perRewardCapMinor: ZMinor,
    /** A business whose top tier rate is above this must set a daily budget. */
    dailyBudgetRequiredAboveBps: ZBps,
    /** The largest daily budget an owner may set, in öre. */
    maxDailyBudgetMinor: ZMinor,
  })
  .strict();
export type RewardCeilings = z.infer<typeof ZRewardCeilings>;

/** When a reward waits for an operator (status `held`) instead of being booked. */
export const ZReviewRules = z
  .object({
    /** Rewards from a connection whose signing key a business user chose are held for this many days. */
    newConnectionDays: z.int().min(0).max(365),
    /** Rewards strictly above this amount (öre) are held. */
    holdRewardAboveMinor: ZMinor,
    /** A connection's reward is held when it already has this many rewards inside the window … */
    velocityMaxRewards: z.int().min(1).max(100_000),
    /** … of this many minutes. */
    velocityWindowMinutes: z.int().min(1).max(7 * 24 * 60),
  })
  .strict();
export type ReviewRules = z.infer<typeof ZReviewRules>;

export const ZCommissionTiers = z.array(z.object({ fromMinor: z.int().min(1), bps: ZBps }).strict()).max(10);

export const ZBusinessBilling = z
  .object({
    /** Commission on the month's commissionable net rewards below the first tier threshold. */
    commissionBps: ZBps,
    /** Reduced marginal rates above monthly thresholds (commission.ts); [] = a flat rate. */
    commissionTiers: ZCommissionTiers,
    ceilings: ZRewardCeilings,
    review: ZReviewRules,
  })
  .strict()
  .superRefine((b, ctx) => {
    // An out-of-range base rate is already reported under commissionBps.
    if (!ZBps.safeParse(b.commissionBps).success) return;
    for (const problem of bandProblems(commissionBands(b.commissionBps, b.commissionTiers))) ctx.addIssue({ code: 'custom', path: ['commissionTiers'], message: problem });
  });
export type BusinessBilling = z.infer<typeof ZBusinessBilling>;

export const ZPlatformBilling = z
  .object({
    /** Swedish VAT on the commission (25 % is statutory): one platform rate, never a per-business knob. */
    vatBps: ZBps,
    /** What a business without its own billing row gets. */
    defaults: ZBusinessBilling,
  })
  .strict();
export type PlatformBilling = z.infer<typeof ZPlatformBilling>;

/**
 * The product's rules: commission 20 / 18 / 15 %, 25 % VAT; rewards at most 15 % and 200 kr each; a daily
 * budget (at most 10 000 kr) once a tier pays more than the default top rate of 12 %. Held for review: every
 * reward from a connection whose signing key a business user chose in the last 14 days, any reward above
 * 150 kr (three quarters of the 200 kr cap), and a connection's 31st reward within an hour.
 */
export const DEFAULT_PLATFORM_BILLING: Readonly<PlatformBilling> = Object.freeze({
  vatBps: 2_500,
  defaults: Object.freeze({
    commissionBps: 2_000,
    commissionTiers: DEFAULT_COMMISSION_TIERS as BusinessBilling['commissionTiers'],
    ceilings: Object.freeze({ maxBps: 1_500, perRewardCapMinor: 20_000, dailyBudgetRequiredAboveBps: 1_200, maxDailyBudgetMinor: 1_000_000 }),
    review: Object.freeze({ newConnectionDays: 14, holdRewardAboveMinor: 15_000, velocityMaxRewards: 30, velocityWindowMinutes: 60 }),
  }),
});

/** The highest rate any tier can pay once the overall maxBps is applied. */
export function topRewardBps(s: Pick<RewardSettings, 'tiers' | 'maxBps'>): number {
  return Math.min(s.maxBps, Math.max(0, ...s.tiers.map((t) => t.maxBps)));
}

export interface CeilingProblem {
  path: string;
  message: string;
  ceiling: number;
}

const pct = (bps: number) => `${bps / 100} %`;
const kr = (minor: number) => `${minor / 100} kr`;

/** Where owner reward settings go beyond the ceilings (empty = inside them). Paths are relative to the settings document. */
export function ceilingProblems(s: RewardSettings, c: RewardCeilings): CeilingProblem[] {
  const problems: CeilingProblem[] = [];
  if (s.maxBps > c.maxBps) problems.push({ path: 'rewards.maxBps', message: `maxBps ${s.maxBps} is above the platform's ceiling of ${c.maxBps} (${pct(c.maxBps)})`, ceiling: c.maxBps });
  s.tiers.forEach((t, i) => {
    if (t.maxBps > c.maxBps) problems.push({ path: `rewards.tiers.${i}.maxBps`, message: `tier "${t.name}": maxBps ${t.maxBps} is above the platform's ceiling of ${c.maxBps} (${pct(c.maxBps)})`, ceiling: c.maxBps });
  });
  if (s.perRewardCapMinor > c.perRewardCapMinor) {
    problems.push({ path: 'rewards.perRewardCapMinor', message: `perRewardCapMinor ${s.perRewardCapMinor} is above the platform's ceiling of ${c.perRewardCapMinor} (${kr(c.perRewardCapMinor)})`, ceiling: c.perRewardCapMinor });
  }
  const top = topRewardBps(s);
  if (s.dailyBudgetMinor === null && top > c.dailyBudgetRequiredAboveBps) {
    problems.push({ path: 'rewards.dailyBudgetMinor', message: `a daily budget (at most ${kr(c.maxDailyBudgetMinor)}) is required when a tier pays more than ${pct(c.dailyBudgetRequiredAboveBps)} (top rate ${pct(top)})`, ceiling: c.maxDailyBudgetMinor });
  }
  if (s.dailyBudgetMinor !== null && s.dailyBudgetMinor > c.maxDailyBudgetMinor) {
    problems.push({ path: 'rewards.dailyBudgetMinor', message: `dailyBudgetMinor ${s.dailyBudgetMinor} is above the platform's ceiling of ${c.maxDailyBudgetMinor} (${kr(c.maxDailyBudgetMinor)})`, ceiling: c.maxDailyBudgetMinor });
  }
  return problems;
}

/**
 * The settings a reward is computed with: the owner's, clamped to the ceilings. PATCH already refuses
 * settings beyond them, so this only bites on settings saved before the ceilings existed or before an
 * operator lowered them. The tiers are left alone so computeReward reports the clamp as `max_pct`.
 */
export function withinCeilings(s: RewardSettings, c: RewardCeilings): RewardSettings {
  const maxBps = Math.min(s.maxBps, c.maxBps);
  const budgetRequired = topRewardBps({ tiers: s.tiers, maxBps }) > c.dailyBudgetRequiredAboveBps;
  const daily = s.dailyBudgetMinor === null ? (budgetRequired ? c.maxDailyBudgetMinor : null) : Math.min(s.dailyBudgetMinor, c.maxDailyBudgetMinor);
  return {
    ...s,
    maxBps,
    highPurchaseMaxBps: Math.min(s.highPurchaseMaxBps, maxBps),
    perRewardCapMinor: Math.min(s.perRewardCapMinor, c.perRewardCapMinor),
    dailyBudgetMinor: daily,
  };
}
