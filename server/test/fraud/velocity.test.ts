import { describe, expect, it } from 'vitest';
import { DEFAULT_VELOCITY_LIMITS, evaluateVelocity, velocityStrength, type RiskSignal } from '../../src/fraud/index.js';

const byCode = (signals: RiskSignal[]) => Object.fromEntries(signals.map((s) => [s.code, s]));

describe('evaluateVelocity defaults', () => {
  it('match the original product: 3 per phone and 10 per IP per day', () => {
    expect(DEFAULT_VELOCITY_LIMITS.phonePerDay.limit).toBe(3);
    expect(DEFAULT_VELOCITY_LIMITS.ipPerDay.limit).toBe(10);
  });

  it('no counts → no signals; everything at the limit → no signals', () => {
    expect(evaluateVelocity({})).toEqual([]);
    // counts are EARLIER claims: 2 earlier + this one = 3 = the phone limit
    expect(evaluateVelocity({ phoneLast24h: 2, deviceLast24h: 4, ipLast24h: 9, phoneSameBusinessLast7d: 2, locationsLast24hForDevice: 2 })).toEqual([]);
  });

  it('the 4th claim from one phone in a day holds on its own (≥ 0.7)', () => {
    const [signal] = evaluateVelocity({ phoneLast24h: 3 });
    expect(signal?.code).toBe('velocity_phone');
    expect(signal!.strength).toBeCloseTo(0.8, 10);
    expect(signal!.evidence).toEqual({ earlier: 3, total: 4, limit: 3, window: '24h' });
    expect(signal!.reason.sv).toContain('4 anspråk');
    expect(signal!.reason.en).toContain('4 claims');
  });

  it('the 11th claim from one IP is only a weak signal; a busy IP grows towards a hold', () => {
    const s11 = byCode(evaluateVelocity({ ipLast24h: 10 })).velocity_ip!.strength;
    const s30 = byCode(evaluateVelocity({ ipLast24h: 29 })).velocity_ip!.strength;
    const s100 = byCode(evaluateVelocity({ ipLast24h: 99 })).velocity_ip!.strength;
    expect(s11).toBeCloseTo(0.35, 10);
    expect(s11).toBeLessThan(s30);
    expect(s30).toBeGreaterThanOrEqual(0.7);
    expect(s100).toBeLessThanOrEqual(0.85);
  });

  it('fires each rule just over its limit, one signal per rule', () => {
    const signals = evaluateVelocity({ phoneLast24h: 3, deviceLast24h: 5, ipLast24h: 10, phoneSameBusinessLast7d: 3, locationsLast24hForDevice: 3 });
    expect(signals.map((s) => s.code).sort()).toEqual(['many_locations', 'velocity_device', 'velocity_ip', 'velocity_phone', 'velocity_phone_business']);
    const s = byCode(signals);
    expect(s.velocity_device!.strength).toBeCloseTo(0.6, 10);
    expect(s.velocity_phone_business!.strength).toBeCloseTo(0.3, 10);
    expect(s.many_locations!.strength).toBeCloseTo(0.5, 10);
    expect(s.many_locations!.evidence).toMatchObject({ total: 4, window: '24h' });
    expect(s.velocity_phone_business!.evidence).toMatchObject({ window: '7d' });
  });

  it('ignores missing, negative and non-finite counts; floors fractions', () => {
    expect(evaluateVelocity({ phoneLast24h: -5, ipLast24h: Number.NaN, deviceLast24h: Infinity })).toEqual([]);
    expect(evaluateVelocity({ phoneLast24h: 2.9 })).toEqual([]);
  });

  it('accepts partial overrides of the limits', () => {
    const strict = { phonePerDay: { limit: 1, firstStrength: 0.9, maxStrength: 0.99 } };
    expect(byCode(evaluateVelocity({ phoneLast24h: 1, ipLast24h: 10 }, strict))).toMatchObject({
      velocity_phone: { strength: 0.9 },
      velocity_ip: { strength: 0.35 },
    });
  });
});

describe('velocityStrength', () => {
  const rule = { limit: 4, firstStrength: 0.5, maxStrength: 0.9 };

  it('is 0 within the limit, first at the first excess, halves the gap every `limit` claims', () => {
    expect(velocityStrength(3, rule)).toBe(0);
    expect(velocityStrength(4, rule)).toBeCloseTo(0.5, 10);
    expect(velocityStrength(8, rule)).toBeCloseTo(0.7, 10);
    expect(velocityStrength(12, rule)).toBeCloseTo(0.8, 10);
  });

  it('is non-decreasing in the count and stays below max', () => {
    let previous = 0;
    for (let n = 0; n < 200; n++) {
      const s = velocityStrength(n, rule);
      expect(s).toBeGreaterThanOrEqual(previous);
      expect(s).toBeLessThan(0.9);
      previous = s;
    }
  });
});
