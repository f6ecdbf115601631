import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeReward, remainingBudget, tierBps, tierForScore, type RewardBudget, type RewardInput } from '../../src/rewards/compute.js';
import { DEFAULT_REWARD_SETTINGS, type RewardSettings } from '../../src/rewards/settings.js';

const S = DEFAULT_REWARD_SETTINGS;
const NO_LIMITS: RewardBudget = { dailyRemainingMinor: null, monthlyRemainingMinor: null, customerDailyRemainingMinor: null };

function reward(score: number, purchaseAmountMinor: number, over: Partial<RewardInput> = {}) {
  return computeReward({ score, purchaseAmountMinor, currency: 'SEK', settings: S, budget: NO_LIMITS, ...over });
}

describe('tier rates and boundaries (1 000 kr purchase, no cap binds)', () => {
  it.each([
    [0, 'none', 0, 0],
    [59, 'none', 0, 0],
    [60, 'bronze', 100, 1_000],
    [67, 'bronze', 200, 2_000], // 100 + ⌊7·200/14⌋
    [74, 'bronze', 300, 3_000],
    [75, 'silver', 400, 4_000],
    [82, 'silver', 550, 5_500], // 400 + ⌊7·300/14⌋
    [88, 'silver', 678, 6_780], // 400 + ⌊13·300/14⌋ = 400 + 278
    [89, 'silver', 700, 7_000],
    [90, 'gold', 800, 8_000],
    [95, 'gold', 1_000, 10_000],
    [99, 'gold', 1_160, 11_600],
    [100, 'gold', 1_200, 12_000],
  ])('score %i → %s, %i bps, %i öre', (score, tier, bps, amount) => {
    const r = reward(score, 100_000);
    expect(r).toMatchObject({ bps, amountMinor: amount, uncappedMinor: amount, appliedCaps: [] });
    expect(r.tier.name).toBe(tier);
  });

  it('never pays less for a higher score', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), (score) => {
        const here = tierBps(tierForScore(S.tiers, score), score);
        const next = tierBps(tierForScore(S.tiers, score + 1), score + 1);
        expect(next).toBeGreaterThanOrEqual(here);
      }),
    );
  });

  it('a one-score tier pays its max rate', () => {
    expect(tierBps({ name: 'x', labelSv: 'X', minScore: 100, maxScore: 100, minBps: 900, maxBps: 1000 }, 100)).toBe(1000);
  });
});

describe('rounding', () => {
  it.each([
    [88, 24_500, 1_661], // 245,00 kr · 6,78 % = 16,611 kr → 16,61 kr
    [60, 5_099, 50], // 50,99 kr · 1 % = 0,5099 kr → 0,50 kr
    [60, 5_000, 50],
    [75, 12_345, 493], // 123,45 kr · 4 % = 4,938 kr → 4,93 kr (down, never up)
  ])('score %i on %i öre → %i öre, rounded down', (score, purchase, amount) => {
    expect(reward(score, purchase).amountMinor).toBe(amount);
  });

  it('explains the example in Swedish and English', () => {
    expect(reward(88, 24_500).explanation).toEqual({
      sv: '88 poäng (Silver) ger 6,78 % av 245,00 kr = 16,61 kr.',
      en: '88 points (Silver) gives 6.78% of SEK 245.00 = SEK 16.61.',
    });
  });
});

describe('eligibility', () => {
  it.each([
    [4_999, 0, ['min_purchase']],
    [5_000, 200, []],
  ])('minimum purchase: %i öre at score 75 → %i öre', (purchase, amount, caps) => {
    expect(reward(75, purchase)).toMatchObject({ amountMinor: amount, appliedCaps: caps });
  });

  it('pays nothing below the minimum purchase and says why', () => {
    const r = reward(100, 4_999);
    expect(r).toMatchObject({ amountMinor: 0, bps: 0, uncappedMinor: 0, appliedCaps: ['min_purchase'] });
    expect(r.explanation.sv).toBe('Ingen belöning: köpet på 49,99 kr är under minimibeloppet 50,00 kr.');
  });

  it.each(['EUR', 'NOK', 'USD', ''])('pays nothing for currency %j', (currency) => {
    expect(reward(100, 100_000, { currency })).toMatchObject({ amountMinor: 0, bps: 0, appliedCaps: ['not_sek'] });
  });

  it('accepts lower-case "sek" (as Stripe sends it)', () => {
    expect(reward(100, 100_000, { currency: 'sek' }).amountMinor).toBe(12_000);
  });

  it('a score under 60 pays nothing, without calling it a cap', () => {
    const r = reward(59, 100_000);
    expect(r).toMatchObject({ amountMinor: 0, bps: 0, appliedCaps: [] });
    expect(r.explanation).toEqual({ sv: '59 poäng (Ingen) ger ingen belöning (minst 60 poäng krävs).', en: '59 points (None) gives no reward (at least 60 points needed).' });
  });
});

describe('caps', () => {
  it('max_pct clamps the rate of settings that skipped validation', () => {
    const loose = { ...S, maxBps: 1_000 } as RewardSettings;
    expect(reward(100, 100_000, { settings: loose })).toMatchObject({ bps: 1_000, amountMinor: 10_000, uncappedMinor: 12_000, appliedCaps: ['max_pct'] });
  });

  it('high_purchase: 5 % at most strictly above 5 000 kr', () => {
    const wide = { ...S, perRewardCapMinor: 1_000_000 };
    expect(reward(100, 500_000, { settings: wide })).toMatchObject({ bps: 1_200, amountMinor: 60_000, appliedCaps: [] });
    expect(reward(100, 500_001, { settings: wide })).toMatchObject({ bps: 500, amountMinor: 25_000, uncappedMinor: 60_000, appliedCaps: ['high_purchase'] });
    // A rate already under 5 % is untouched.
    expect(reward(67, 800_000, { settings: wide })).toMatchObject({ bps: 200, amountMinor: 16_000, appliedCaps: [] });
  });

  it('per_reward_cap: at most 200 kr per feedback', () => {
    expect(reward(100, 166_666)).toMatchObject({ amountMinor: 19_999, appliedCaps: [] });
    expect(reward(100, 166_667)).toMatchObject({ amountMinor: 20_000, uncappedMinor: 20_000, appliedCaps: [] });
    expect(reward(100, 200_000)).toMatchObject({ amountMinor: 20_000, uncappedMinor: 24_000, appliedCaps: ['per_reward_cap'] });
  });

  it('the 5 000 kr rule and the 200 kr cap together, explained', () => {
    const r = reward(95, 600_000);
    expect(r).toMatchObject({ bps: 500, amountMinor: 20_000, uncappedMinor: 60_000, appliedCaps: ['high_purchase', 'per_reward_cap'] });
    expect(r.explanation.sv).toBe('95 poäng (Guld) ger 10 % av 6 000,00 kr = 600,00 kr; begränsat av högst 5 % för köp över 5 000,00 kr, högst 200,00 kr per feedback: 200,00 kr.');
    expect(r.explanation.en).toBe('95 points (Gold) gives 10% of SEK 6,000.00 = SEK 600.00; limited by max 5% for purchases over SEK 5,000.00, max SEK 200.00 per feedback: SEK 200.00.');
  });

  it.each<[keyof RewardBudget, string]>([
    ['customerDailyRemainingMinor', 'customer_daily'],
    ['dailyRemainingMinor', 'daily_budget'],
    ['monthlyRemainingMinor', 'monthly_budget'],
  ])('%s limits the amount (%s)', (key, cap) => {
    expect(reward(100, 100_000, { budget: { ...NO_LIMITS, [key]: 12_000 } })).toMatchObject({ amountMinor: 12_000, appliedCaps: [] });
    expect(reward(100, 100_000, { budget: { ...NO_LIMITS, [key]: 11_999 } })).toMatchObject({ amountMinor: 11_999, appliedCaps: [cap] });
    expect(reward(100, 100_000, { budget: { ...NO_LIMITS, [key]: 0 } })).toMatchObject({ amountMinor: 0, appliedCaps: [cap] });
    // Overspent by a race: treated as exhausted, never as a negative reward.
    expect(reward(100, 100_000, { budget: { ...NO_LIMITS, [key]: -500 } })).toMatchObject({ amountMinor: 0, appliedCaps: [cap] });
  });

  it('reports every limit that binds, in the documented order', () => {
    const budget = { customerDailyRemainingMinor: 15_000, dailyRemainingMinor: 10_000, monthlyRemainingMinor: 5_000 };
    const r = reward(100, 1_000_000, { budget });
    expect(r.amountMinor).toBe(5_000);
    expect(r.appliedCaps).toEqual(['high_purchase', 'per_reward_cap', 'customer_daily', 'daily_budget', 'monthly_budget']);
    expect(r.explanation.sv).toContain("kundens dagsgräns, företagets dagsbudget, företagets månadsbudget: 50,00 kr");
  });

  it('a business budget is never overspent across many rewards', () => {
    const budget = 50_000;
    let spent = 0;
    const amounts: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = reward(100, 100_000, { budget: { ...NO_LIMITS, monthlyRemainingMinor: remainingBudget(budget, spent) } });
      amounts.push(r.amountMinor);
      spent += r.amountMinor;
    }
    expect(spent).toBe(budget);
    expect(amounts.slice(0, 5)).toEqual([12_000, 12_000, 12_000, 12_000, 2_000]);
    expect(amounts.slice(5).every((a) => a === 0)).toBe(true);
  });
});

describe('remainingBudget', () => {
  it.each([
    [null, 123, null],
    [1_000, 0, 1_000],
    [1_000, 400, 600],
    [1_000, 1_000, 0],
    [1_000, 1_500, 0],
  ])('limit %s, spent %i → %s', (limit, spent, expected) => {
    expect(remainingBudget(limit, spent)).toBe(expected);
  });
});

describe('input validation', () => {
  it.each([[-1], [101], [59.5], [Number.NaN]])('rejects score %s', (score) => {
    expect(() => reward(score, 10_000)).toThrow(RangeError);
  });

  it.each([[-1], [100.5], [Number.POSITIVE_INFINITY]])('rejects purchase %s', (purchase) => {
    expect(() => reward(80, purchase)).toThrow(RangeError);
  });

  it('rejects a fractional budget', () => {
    expect(() => reward(80, 10_000, { budget: { ...NO_LIMITS, dailyRemainingMinor: 0.5 } })).toThrow(/dailyRemainingMinor/);
  });
});

describe('properties', () => {
  const limit = fc.option(fc.integer({ min: -1_000, max: 100_000 }), { nil: null });
  const inputs = fc.record({
    score: fc.integer({ min: 0, max: 100 }),
    purchase: fc.integer({ min: 0, max: 10_000_000 }),
    budget: fc.record({ dailyRemainingMinor: limit, monthlyRemainingMinor: limit, customerDailyRemainingMinor: limit }),
  });

  it('the amount is a non-negative integer within every cap, and equals the tightest one', () => {
    fc.assert(
      fc.property(inputs, ({ score, purchase, budget }) => {
        const r = reward(score, purchase, { budget });
        const ceilings = [
          Math.floor((purchase * S.maxBps) / 10_000),
          S.perRewardCapMinor,
          ...Object.values(budget).map((b) => (b === null ? Infinity : Math.max(0, b))),
        ];
        if (purchase > S.highPurchaseThresholdMinor) ceilings.push(Math.floor((purchase * S.highPurchaseMaxBps) / 10_000));
        expect(Number.isSafeInteger(r.amountMinor)).toBe(true);
        expect(r.amountMinor).toBeGreaterThanOrEqual(0);
        for (const c of ceilings) expect(r.amountMinor).toBeLessThanOrEqual(c);
        expect(r.amountMinor).toBeLessThanOrEqual(r.uncappedMinor);
        const eligible = purchase >= S.minPurchaseMinor;
        const rate = Math.floor((purchase * r.bps) / 10_000);
        expect(r.amountMinor).toBe(eligible ? Math.min(rate, ...ceilings) : 0);
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(inputs, ({ score, purchase, budget }) => {
        expect(reward(score, purchase, { budget })).toEqual(reward(score, purchase, { budget }));
      }),
    );
  });
});
