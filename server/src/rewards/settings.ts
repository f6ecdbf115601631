import { z } from 'zod';
import { BPS_DENOMINATOR } from './money.js';

/**
 * Reward settings of a business (or the platform default), as the business's owner may tune them inside the
 * operator's ceilings (billing.ts). Commission and VAT are not here: they are operator-only billing settings.
 * Amounts in öre, rates in basis points.
 * Parse anything that comes from a request or the database with ZRewardSettings: computeReward
 * trusts its settings argument (it only re-clamps to maxBps as a last line of defence).
 */

const ZMinor = z.int().min(0);
const ZBps = z.int().min(0).max(BPS_DENOMINATOR);
const ZScore = z.int().min(0).max(100);

export const ZRewardTier = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'tier name must be lower-case letters, digits or _'),
  labelSv: z.string().trim().min(1).max(40),
  minScore: ZScore,
  maxScore: ZScore,
  minBps: ZBps,
  maxBps: ZBps,
});
export type RewardTier = z.infer<typeof ZRewardTier>;

const ZRewardSettingsShape = z.object({
  tiers: z.array(ZRewardTier).min(1),
  /** Absolute ceiling on the reward rate, whatever the tier says. */
  maxBps: ZBps,
  /** Ceiling on one reward, in öre. */
  perRewardCapMinor: ZMinor,
  /** Purchases below this earn nothing. */
  minPurchaseMinor: ZMinor,
  /** Purchases strictly above this are limited to highPurchaseMaxBps. */
  highPurchaseThresholdMinor: ZMinor,
  highPurchaseMaxBps: ZBps,
  /** Per-business budgets; null = unlimited. */
  dailyBudgetMinor: ZMinor.nullable(),
  monthlyBudgetMinor: ZMinor.nullable(),
  perCustomerDailyCapMinor: ZMinor,
  /** Balances below this roll over to the next payout batch. */
  minPayoutMinor: ZMinor,
});

type Ctx = z.RefinementCtx;

function issue(ctx: Ctx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

/** Tiers must tile 0–100 in ascending order, each a valid range with a rate range inside maxBps. */
function checkTiers(s: z.infer<typeof ZRewardSettingsShape>, ctx: Ctx): void {
  const { tiers } = s;
  const names = new Set<string>();
  tiers.forEach((tier, i) => {
    if (names.has(tier.name)) issue(ctx, ['tiers', i, 'name'], `duplicate tier name "${tier.name}"`);
    names.add(tier.name);
    if (tier.minScore > tier.maxScore) {
      issue(ctx, ['tiers', i, 'minScore'], `tier "${tier.name}": minScore ${tier.minScore} is above maxScore ${tier.maxScore}`);
    }
    if (tier.minBps > tier.maxBps) {
      issue(ctx, ['tiers', i, 'minBps'], `tier "${tier.name}": minBps ${tier.minBps} is above maxBps ${tier.maxBps}`);
    }
    if (tier.maxBps > s.maxBps) {
      issue(ctx, ['tiers', i, 'maxBps'], `tier "${tier.name}": maxBps ${tier.maxBps} exceeds the overall maxBps ${s.maxBps}`);
    }
    const prev = i > 0 ? tiers[i - 1] : undefined;
    if (!prev) {
      if (tier.minScore !== 0) issue(ctx, ['tiers', 0, 'minScore'], `the first tier must start at score 0, not ${tier.minScore}`);
      return;
    }
    if (tier.minScore <= prev.maxScore) {
      issue(ctx, ['tiers', i, 'minScore'], `tier "${tier.name}" overlaps tier "${prev.name}" (scores must ascend without overlap)`);
    } else if (tier.minScore > prev.maxScore + 1) {
      const from = prev.maxScore + 1;
      const to = tier.minScore - 1;
      const scores = from === to ? `score ${from}` : `scores ${from}–${to}`;
      issue(ctx, ['tiers', i, 'minScore'], `gap at ${scores} between tiers "${prev.name}" and "${tier.name}"`);
    }
    // A higher score must never earn a lower rate, so each tier starts at or above the previous top rate.
    if (tier.minBps < prev.maxBps) {
      issue(ctx, ['tiers', i, 'minBps'], `tier "${tier.name}": minBps ${tier.minBps} is below the previous tier's maxBps ${prev.maxBps}`);
    }
  });
  const last = tiers[tiers.length - 1];
  if (last && last.maxScore !== 100) {
    issue(ctx, ['tiers', tiers.length - 1, 'maxScore'], `the last tier must end at score 100, not ${last.maxScore}`);
  }
}

function checkLimits(s: z.infer<typeof ZRewardSettingsShape>, ctx: Ctx): void {
  if (s.highPurchaseMaxBps > s.maxBps) {
    issue(ctx, ['highPurchaseMaxBps'], `highPurchaseMaxBps ${s.highPurchaseMaxBps} exceeds maxBps ${s.maxBps}`);
  }
  if (s.highPurchaseThresholdMinor < s.minPurchaseMinor) {
    issue(ctx, ['highPurchaseThresholdMinor'], 'highPurchaseThresholdMinor must not be below minPurchaseMinor');
  }
  if (s.dailyBudgetMinor !== null && s.monthlyBudgetMinor !== null && s.dailyBudgetMinor > s.monthlyBudgetMinor) {
    issue(ctx, ['dailyBudgetMinor'], `dailyBudgetMinor ${s.dailyBudgetMinor} exceeds monthlyBudgetMinor ${s.monthlyBudgetMinor}`);
  }
}

export const ZRewardSettings = ZRewardSettingsShape.superRefine((s, ctx) => {
  checkTiers(s, ctx);
  checkLimits(s, ctx);
});
export type RewardSettings = z.infer<typeof ZRewardSettings>;

/** The product's published rules (tiers 1–3 %, 4–7 %, 8–12 %; 15 % / 200 kr / 50 kr / 5 000 kr caps). */
export const DEFAULT_REWARD_SETTINGS: Readonly<RewardSettings> = Object.freeze({
  // Frozen all the way down so no caller can change the platform default for everyone.
  tiers: Object.freeze([
    { name: 'none', labelSv: 'Ingen', minScore: 0, maxScore: 59, minBps: 0, maxBps: 0 },
    { name: 'bronze', labelSv: 'Brons', minScore: 60, maxScore: 74, minBps: 100, maxBps: 300 },
    { name: 'silver', labelSv: 'Silver', minScore: 75, maxScore: 89, minBps: 400, maxBps: 700 },
    { name: 'gold', labelSv: 'Guld', minScore: 90, maxScore: 100, minBps: 800, maxBps: 1200 },
  ].map((tier) => Object.freeze(tier))) as RewardTier[],
  maxBps: 1500,
  perRewardCapMinor: 20_000,
  minPurchaseMinor: 5_000,
  highPurchaseThresholdMinor: 500_000,
  highPurchaseMaxBps: 500,
  dailyBudgetMinor: null,
  monthlyBudgetMinor: null,
  perCustomerDailyCapMinor: 50_000,
  minPayoutMinor: 1_000,
});
