import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  epochMillisToIso, formatMinorAsMajor, minorUnitDigits, normaliseCurrency, normaliseTimestamp, parseMajorToMinor,
} from '../../../src/pos/providers/money.js';

describe('parseMajorToMinor', () => {
  it.each([
    ['199.65', 19965],
    ['10', 1000],
    ['0.5', 50],
    ['0.05', 5],
    ['0', 0],
    ['007.10', 710],
    ['1.000', 100], // extra fraction digits allowed when they are zeros
    ['0.29', 29], // 0.29 * 100 === 28.999999999999996 in floating point
    ['1.15', 115],
    ['90071992547409.91', 9007199254740991],
  ])('%s → %d', (input, expected) => {
    expect(parseMajorToMinor(input)).toBe(expected);
  });

  it.each(['', ' ', '-1', '1.005', '1e2', '1E2', '+1', '.5', '1.', '1,50', ' 1', '1 ', 'NaN', 'Infinity', '0x10', '١٢', '90071992547409.92'])(
    'rejects %j',
    (input) => {
      expect(parseMajorToMinor(input)).toBeNull();
    },
  );

  it('allows negatives only when asked', () => {
    expect(parseMajorToMinor('-12.30')).toBeNull();
    expect(parseMajorToMinor('-12.30', { allowNegative: true })).toBe(-1230);
    expect(Object.is(parseMajorToMinor('-0.00'), 0)).toBe(true);
  });

  it('uses the given number of fraction digits', () => {
    expect(parseMajorToMinor('1000', { fractionDigits: 0 })).toBe(1000);
    expect(parseMajorToMinor('1000.00', { fractionDigits: 0 })).toBe(1000);
    expect(parseMajorToMinor('1000.5', { fractionDigits: 0 })).toBeNull();
    expect(parseMajorToMinor('1.234', { fractionDigits: 3 })).toBe(1234);
  });

  it('round-trips any integer number of cents through its decimal text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (cents) => {
        expect(parseMajorToMinor(formatMinorAsMajor(cents))).toBe(cents);
      }),
    );
  });

  it('round-trips signed amounts for 0–3 fraction digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 3 }), (minor, digits) => {
        const text = formatMinorAsMajor(minor, digits);
        expect(parseMajorToMinor(text, { fractionDigits: digits, allowNegative: true })).toBe(minor);
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = parseMajorToMinor(s);
        expect(out === null || Number.isSafeInteger(out)).toBe(true);
      }),
    );
  });
});

describe('currency helpers', () => {
  it('normalises codes and knows non-2-digit currencies', () => {
    expect(normaliseCurrency(' sek ')).toBe('SEK');
    expect(normaliseCurrency('SEKK')).toBeNull();
    expect(normaliseCurrency(7)).toBeNull();
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('kwd')).toBe(3);
    expect(minorUnitDigits('SEK')).toBe(2);
    expect(minorUnitDigits('HUF')).toBe(2); // ISO 4217, unlike CLDR's 0
  });
});

describe('normaliseTimestamp', () => {
  it.each([
    ['2025-04-22T14:29:55-05:00', '2025-04-22T19:29:55.000Z'],
    ['2021-04-19T13:09:40.798+0000', '2021-04-19T13:09:40.798Z'],
    ['2022-07-13T20:30:59.037339943Z', '2022-07-13T20:30:59.037Z'],
    ['2020-02-06T21:27:30Z', '2020-02-06T21:27:30.000Z'],
    ['2026-01-02T04:04:05.5+01:00', '2026-01-02T03:04:05.500Z'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseTimestamp(input)).toBe(expected);
  });

  it.each(['', '2020-02-06', '2020-02-06T21:27:30', '2020-02-30T00:00:00Z', '2020-02-06 21:27:30Z', 'yesterday', null, 1581024450000])(
    'rejects %j',
    (input) => {
      expect(normaliseTimestamp(input)).toBeNull();
    },
  );

  it('reads every timestamp exactly as luxon does (fast path and general parser agree)', () => {
    const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
    const stamp = fc
      .tuple(fc.integer({ min: 1970, max: 2099 }), two(0, 13), two(0, 32), two(0, 25), two(0, 61), two(0, 61), fc.constantFrom('', '.5', '.12', '.123', '.999', '.007', '.1234'), fc.constantFrom('Z', 'z', '+00:00', '-05:00', '+01:00', '+14:00', '-12:30', '+0100', '-0530', '+0000', '+23:59', '+2400', '+05:60'))
      .map(([y, mo, d, h, mi, s, frac, off]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${off}`);
    fc.assert(
      fc.property(stamp, (value) => {
        const viaLuxon = DateTime.fromISO(value, { setZone: true });
        const expected = viaLuxon.isValid ? new Date(viaLuxon.toMillis()).toISOString() : null;
        expect(normaliseTimestamp(value)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('converts epoch millis', () => {
    expect(epochMillisToIso(1618837780798)).toBe('2021-04-19T13:09:40.798Z');
    expect(epochMillisToIso(1.5)).toBeNull();
    expect(epochMillisToIso('1618837780798')).toBeNull();
    expect(epochMillisToIso(8.64e15 + 1)).toBeNull();
  });
});
