import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM_BILLING, ZBusinessBilling, ZPlatformBilling, ceilingProblems, topRewardBps, withinCeilings, type RewardCeilings } from '../../src/rewards/billing.js';
import { DEFAULT_REWARD_SETTINGS, ZRewardSettings, type RewardSettings } from '../../src/rewards/settings.js';
import { computeReward } from '../../src/rewards/compute.js';
import { settingChanges } from '../../src/rewards/setting-changes.js';

const CEILINGS: RewardCeilings = { maxBps: 1_500, perRewardCapMinor: 20_000, dailyBudgetRequiredAboveBps: 1_200, maxDailyBudgetMinor: 1_000_000 };
const clone = (): RewardSettings => structuredClone(DEFAULT_REWARD_SETTINGS) as RewardSettings;

/** What an owner trying to pay themselves 9 900 kr saved before ceilings existed: a 100 % tier and a 10 000 000 kr cap. */
function greedy(): RewardSettings {
  const s = clone();
  s.maxBps = 10_000;
  s.tiers[3]!.maxBps = 10_000;
  s.tiers[3]!.minBps = 10_000;
  s.perRewardCapMinor = 1_000_000_000;
  s.highPurchaseThresholdMinor = 1_000_000_000;
  s.highPurchaseMaxBps = 10_000;
  return s;
}

describe('platform billing defaults', () => {
  it('are valid and state the product rules: 20/18/15 % commission, 25 % VAT, 15 % and 200 kr ceilings', () => {
    expect(ZPlatformBilling.parse(DEFAULT_PLATFORM_BILLING)).toEqual(DEFAULT_PLATFORM_BILLING);
    expect(DEFAULT_PLATFORM_BILLING.vatBps).toBe(2_500);
    expect(DEFAULT_PLATFORM_BILLING.defaults.ceilings).toEqual(CEILINGS);
    expect(DEFAULT_PLATFORM_BILLING.defaults.review).toEqual({ newConnectionDays: 14, holdRewardAboveMinor: 15_000, velocityMaxRewards: 30, velocityWindowMinutes: 60 });
  });

  it('the default reward settings sit inside the default ceilings', () => {
    expect(ceilingProblems(clone(), CEILINGS)).toEqual([]);
  });

  it('refuses unknown keys and a commission band that raises the rate', () => {
    const withVat = ZBusinessBilling.safeParse({ ...structuredClone(DEFAULT_PLATFORM_BILLING.defaults), vatBps: 0 });
    expect(withVat.success).toBe(false);
    const rising = ZBusinessBilling.safeParse({ ...structuredClone(DEFAULT_PLATFORM_BILLING.defaults), commissionTiers: [{ fromMinor: 100, bps: 2_500 }] });
    expect(rising.success).toBe(false);
  });
});

describe('ceilingProblems names every field beyond the ceilings', () => {
  it('the 100 % tier and the 10 000 000 kr cap', () => {
    const s = greedy();
    expect(ZRewardSettings.safeParse(s).success).toBe(true); // valid on its own: only the ceilings stop it
    expect(ceilingProblems(s, CEILINGS).map((p) => p.path)).toEqual(['rewards.maxBps', 'rewards.tiers.3.maxBps', 'rewards.perRewardCapMinor', 'rewards.dailyBudgetMinor']);
  });

  it('a tier above 12 % needs a daily budget, and the budget has its own ceiling', () => {
    const s = clone();
    s.tiers[3]!.maxBps = 1_500;
    expect(topRewardBps(s)).toBe(1_500);
    expect(ceilingProblems(s, CEILINGS)).toEqual([{ path: 'rewards.dailyBudgetMinor', message: expect.stringMatching(/daily budget .* required when a tier pays more than 12 %/), ceiling: 1_000_000 }]);
    expect(ceilingProblems({ ...s, dailyBudgetMinor: 1_000_000 }, CEILINGS)).toEqual([]);
    expect(ceilingProblems({ ...s, dailyBudgetMinor: 1_000_001 }, CEILINGS).map((p) => p.path)).toEqual(['rewards.dailyBudgetMinor']);
  });
});

describe('withinCeilings clamps what was saved before the ceilings', () => {
  it('a 9 900 kr sale at score 100 earns 200 kr, not 9 900 kr', () => {
    const budget = { dailyRemainingMinor: null, monthlyRemainingMinor: null, customerDailyRemainingMinor: null };
    const input = { score: 100, purchaseAmountMinor: 990_000, currency: 'SEK', budget };
    expect(computeReward({ ...input, settings: greedy() }).amountMinor).toBe(990_000);
    const clamped = computeReward({ ...input, settings: withinCeilings(greedy(), CEILINGS) });
    expect(clamped).toMatchObject({ amountMinor: 20_000, bps: 1_500, appliedCaps: ['max_pct', 'per_reward_cap'] });
  });

  it('a top rate above the threshold without a budget gets the largest allowed daily budget', () => {
    expect(withinCeilings(greedy(), CEILINGS).dailyBudgetMinor).toBe(1_000_000);
    expect(withinCeilings(clone(), CEILINGS).dailyBudgetMinor).toBeNull();
  });

  it('property: clamped settings never exceed a ceiling and leave settings inside them unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_200, max: 2_000 }), fc.integer({ min: 0, max: 40_000 }), fc.option(fc.integer({ min: 0, max: 2_000_000 })), (maxBps, cap, daily) => {
        const s = { ...clone(), maxBps, perRewardCapMinor: cap, dailyBudgetMinor: daily };
        const c = withinCeilings(s, CEILINGS);
        expect(c.maxBps).toBeLessThanOrEqual(CEILINGS.maxBps);
        expect(c.highPurchaseMaxBps).toBeLessThanOrEqual(c.maxBps);
        expect(c.perRewardCapMinor).toBeLessThanOrEqual(CEILINGS.perRewardCapMinor);
        if (c.dailyBudgetMinor !== null) expect(c.dailyBudgetMinor).toBeLessThanOrEqual(CEILINGS.maxDailyBudgetMinor);
        if (ZRewardSettings.safeParse(s).success && ceilingProblems(s, CEILINGS).length === 0) expect(c).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('settingChanges', () => {
  it('lists each changed leaf with its old and new value; arrays whole', () => {
    const before = { commissionBps: 2_000, commissionTiers: [{ fromMinor: 1, bps: 100 }], ceilings: { maxBps: 1_500, perRewardCapMinor: 20_000 } };
    const after = { commissionBps: 0, commissionTiers: [], ceilings: { maxBps: 1_500, perRewardCapMinor: 10_000 } };
    expect(settingChanges(before, after, '')).toEqual([
      { field: 'ceilings.perRewardCapMinor', old: 20_000, new: 10_000 },
      { field: 'commissionBps', old: 2_000, new: 0 },
      { field: 'commissionTiers', old: [{ fromMinor: 1, bps: 100 }], new: [] },
    ]);
    expect(settingChanges(before, structuredClone(before), 'x')).toEqual([]);
    expect(settingChanges({ a: null }, { a: 5 }, 'rewards')).toEqual([{ field: 'rewards.a', old: null, new: 5 }]);
  });
});
