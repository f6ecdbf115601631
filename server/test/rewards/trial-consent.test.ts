import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateTrial, isCommissionFree, type TrialTerms } from '../../src/businesses/trial.js';
import { CONSENT_VERSION, currentConsent, requireConsent } from '../../src/feedback/consent.js';
import { AppError } from '../../src/core/errors.js';
import { dueReminder } from '../../src/feedback/store-review-reminders.js';
import { cellText } from '../../src/feedback/store-review-xlsx.js';
import { stripeForm, transferIdempotencyKey } from '../../src/rewards/stripe-connect.js';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (days: number) => new Date(T0 + days * 86_400_000).toISOString();
const terms = (over: Partial<TrialTerms> = {}): TrialTerms => ({ startedAt: at(0), endsAt: at(30), maxFeedbacks: 30, activatedAt: null, activatedBy: null, ...over });
const times = (n: number, everyDays = 0.5) => Array.from({ length: n }, (_, i) => at(0.1 + i * everyDays));

describe('evaluateTrial', () => {
  it('runs until 30 feedbacks or 30 days, whichever comes first', () => {
    expect(evaluateTrial(terms(), times(29), new Date(at(20)))).toMatchObject({ state: 'trial', feedbacksUsed: 29, feedbacksLeft: 1, rewardsAvailable: true, commissionFreeUntil: null });
    const byCount = evaluateTrial(terms(), times(30), new Date(at(20)));
    expect(byCount).toMatchObject({ state: 'expired', feedbacksUsed: 30, feedbacksLeft: 0, rewardsAvailable: false, commissionFreeUntil: times(30)[29] });
    const byDays = evaluateTrial(terms(), times(3), new Date(at(30)));
    expect(byDays).toMatchObject({ state: 'expired', feedbacksUsed: 3, rewardsAvailable: false, commissionFreeUntil: at(30) });
  });

  it('activation ends the commission-free period and restores rewards', () => {
    const s = evaluateTrial(terms({ activatedAt: at(5), activatedBy: 'admin' }), times(40), new Date(at(40)));
    expect(s).toMatchObject({ state: 'active', rewardsAvailable: true, commissionFreeUntil: at(5) });
    expect(isCommissionFree(s, at(4.9))).toBe(true);
    expect(isCommissionFree(s, at(5.1))).toBe(false);
    expect(isCommissionFree(s, null)).toBe(false);
  });

  it('properties: feedbacksUsed + feedbacksLeft = max while in trial; more feedbacks never reopen a trial', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 45 }), (max, days, n, nowDays) => {
        const t = terms({ maxFeedbacks: max, endsAt: at(days) });
        const list = times(n, 0.4).filter((x) => x < at(nowDays));
        const s = evaluateTrial(t, list, new Date(at(nowDays)));
        if (s.state === 'trial') expect(s.feedbacksUsed + s.feedbacksLeft).toBe(max);
        expect(s.feedbacksUsed).toBeLessThanOrEqual(max);
        expect(s.rewardsAvailable).toBe(s.state !== 'expired');
        if (s.state === 'expired') expect(evaluateTrial(t, [...list, at(nowDays - 0.001)].sort(), new Date(at(nowDays))).state).toBe('expired');
        if (s.state === 'trial') for (const x of list) expect(isCommissionFree(s, x)).toBe(true);
      }),
    );
  });
});

describe('consent', () => {
  it('only the accepted current version passes; anything else is consent_required naming the version', () => {
    expect(requireConsent({ accepted: true, version: CONSENT_VERSION })).toEqual({ version: CONSENT_VERSION });
    for (const bad of [undefined, null, {}, { accepted: true }, { accepted: 'true', version: CONSENT_VERSION }, { accepted: false, version: CONSENT_VERSION }, { accepted: true, version: '2020-01-01' }, { accepted: true, version: CONSENT_VERSION, extra: 1 }]) {
      try {
        requireConsent(bad);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect(err).toMatchObject({ code: 'consent_required', status: 400, details: { version: CONSENT_VERSION } });
      }
    }
  });

  it('says what is stored, in Swedish and English, and that audio is never stored', () => {
    const c = currentConsent();
    expect(c.text.sv).toMatch(/feedbacktext/);
    expect(c.text.sv).toMatch(/Röstinspelningar .* sparas aldrig/);
    expect(c.text.en).toMatch(/Voice recordings .* never stored/);
    expect(c.text.en).toMatch(/anonymised after two years/);
  });
});

describe('review reminders and XLSX cells', () => {
  it('dueReminder: each point once, a skipped point is not sent late', () => {
    expect(dueReminder([7, 3, 1], 8, 0)).toBeNull();
    expect(dueReminder([7, 3, 1], 7, 0)).toEqual({ level: 1, daysBefore: 7 });
    expect(dueReminder([7, 3, 1], 6, 1)).toBeNull();
    expect(dueReminder([7, 3, 1], 2.5, 0)).toEqual({ level: 2, daysBefore: 3 });
    expect(dueReminder([1, 7, 3], 0.5, 2)).toEqual({ level: 3, daysBefore: 1 });
    expect(dueReminder([], 0.5, 0)).toBeNull();
  });

  it('cellText reads amounts with two decimals and formula results as values', () => {
    expect(cellText(123.5)).toBe('123.50');
    expect(cellText(200)).toBe('200.00');
    expect(cellText(0.1 + 0.2)).toBe('0.30');
    expect(cellText(1.005001)).toBe('1.005001');
    expect(cellText({ formula: 'A1', result: 7 } as never)).toBe('7.00');
    expect(cellText({ richText: [{ text: 'veri' }, { text: 'fierad' }] } as never)).toBe('verifierad');
    expect(cellText(null)).toBe('');
  });
});

describe('Stripe request shape', () => {
  it('form-encodes nested metadata as Stripe reads it, with a key per payout', () => {
    expect(stripeForm({ amount: 1250, currency: 'sek', metadata: { payout_id: 'p1' } })).toBe('amount=1250&currency=sek&metadata%5Bpayout_id%5D=p1');
    expect(transferIdempotencyKey('0193')).toBe('kvittra-payout-0193');
  });
});
