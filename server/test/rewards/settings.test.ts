import { describe, expect, it } from 'vitest';
import { DEFAULT_REWARD_SETTINGS, ZRewardSettings, type RewardSettings, type RewardTier } from '../../src/rewards/settings.js';

const clone = (): RewardSettings => structuredClone(DEFAULT_REWARD_SETTINGS) as RewardSettings;

function withTiers(edit: (tiers: RewardTier[]) => void): RewardSettings {
  const s = clone();
  edit(s.tiers);
  return s;
}

function messages(input: unknown): string[] {
  const result = ZRewardSettings.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('DEFAULT_REWARD_SETTINGS', () => {
  it('is valid and states the published product rules', () => {
    expect(messages(DEFAULT_REWARD_SETTINGS)).toEqual([]);
    expect(DEFAULT_REWARD_SETTINGS.tiers.map((t) => [t.name, t.labelSv, t.minScore, t.maxScore, t.minBps, t.maxBps])).toEqual([
      ['none', 'Ingen', 0, 59, 0, 0],
      ['bronze', 'Brons', 60, 74, 100, 300],
      ['silver', 'Silver', 75, 89, 400, 700],
      ['gold', 'Guld', 90, 100, 800, 1200],
    ]);
    expect(DEFAULT_REWARD_SETTINGS).toMatchObject({
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
    // Commission and VAT are operator-only billing settings now (billing.ts), not the owner's to set.
    expect(DEFAULT_REWARD_SETTINGS).not.toHaveProperty('commissionBps');
    expect(DEFAULT_REWARD_SETTINGS).not.toHaveProperty('vatBps');
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(DEFAULT_REWARD_SETTINGS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_REWARD_SETTINGS.tiers)).toBe(true);
    expect(DEFAULT_REWARD_SETTINGS.tiers.every((t) => Object.isFrozen(t))).toBe(true);
  });
});

describe('ZRewardSettings rejects inconsistent tiers with a clear message', () => {
  it.each<[string, RewardSettings, RegExp]>([
    ['a gap between tiers', withTiers((t) => ((t[2] as RewardTier).minScore = 77)), /gap at scores 75–76 between tiers "bronze" and "silver"/],
    ['a one-score gap', withTiers((t) => ((t[3] as RewardTier).minScore = 91)), /gap at score 90 between tiers "silver" and "gold"/],
    ['overlapping tiers', withTiers((t) => ((t[1] as RewardTier).maxScore = 76)), /tier "silver" overlaps tier "bronze"/],
    ['tiers out of order', withTiers((t) => t.reverse()), /first tier must start at score 0/],
    ['not starting at 0', withTiers((t) => ((t[0] as RewardTier).minScore = 1)), /first tier must start at score 0, not 1/],
    ['not ending at 100', withTiers((t) => ((t[3] as RewardTier).maxScore = 99)), /last tier must end at score 100, not 99/],
    ['minScore above maxScore', withTiers((t) => Object.assign(t[1] as RewardTier, { minScore: 74, maxScore: 60 })), /minScore 74 is above maxScore 60/],
    ['minBps above maxBps', withTiers((t) => ((t[2] as RewardTier).minBps = 800)), /tier "silver": minBps 800 is above maxBps 700/],
    ['tier rate above the overall max', withTiers((t) => ((t[3] as RewardTier).maxBps = 1600)), /tier "gold": maxBps 1600 exceeds the overall maxBps 1500/],
    ['a higher tier paying less', withTiers((t) => ((t[2] as RewardTier).minBps = 200)), /tier "silver": minBps 200 is below the previous tier's maxBps 300/],
    ['duplicate names', withTiers((t) => ((t[2] as RewardTier).name = 'bronze')), /duplicate tier name "bronze"/],
    ['a score above 100', withTiers((t) => ((t[3] as RewardTier).maxScore = 101)), /maxScore/],
    ['a fractional score', withTiers((t) => ((t[1] as RewardTier).maxScore = 74.5)), /maxScore/],
    ['no tiers', { ...clone(), tiers: [] }, /tiers/],
  ])('%s', (_name, input, pattern) => {
    const found = messages(input);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(pattern);
  });

  it('accepts a different but contiguous tiering', () => {
    const input = withTiers((t) => {
      t.splice(0, t.length, { name: 'none', labelSv: 'Ingen', minScore: 0, maxScore: 49, minBps: 0, maxBps: 0 }, { name: 'all', labelSv: 'Alla', minScore: 50, maxScore: 100, minBps: 200, maxBps: 1000 });
    });
    expect(messages(input)).toEqual([]);
  });
});

describe('ZRewardSettings rejects inconsistent limits', () => {
  it.each<[string, Partial<RewardSettings>, RegExp]>([
    ['high-purchase rate above max', { highPurchaseMaxBps: 1600, maxBps: 1500 }, /highPurchaseMaxBps 1600 exceeds maxBps 1500/],
    ['threshold below minimum purchase', { highPurchaseThresholdMinor: 1000 }, /highPurchaseThresholdMinor must not be below minPurchaseMinor/],
    ['daily budget above monthly', { dailyBudgetMinor: 10_000, monthlyBudgetMinor: 5_000 }, /dailyBudgetMinor 10000 exceeds monthlyBudgetMinor 5000/],
    ['negative cap', { perRewardCapMinor: -1 }, /perRewardCapMinor/],
    ['fractional öre', { minPurchaseMinor: 50.5 }, /minPurchaseMinor/],
    ['rate above 100 %', { maxBps: 10_001 }, /maxBps/],
  ])('%s', (_name, patch, pattern) => {
    expect(messages({ ...clone(), ...patch }).join('\n')).toMatch(pattern);
  });

  it('accepts budgets set to amounts', () => {
    expect(messages({ ...clone(), dailyBudgetMinor: 100_000, monthlyBudgetMinor: 2_000_000 })).toEqual([]);
  });
});
