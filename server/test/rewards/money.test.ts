import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatBps,
  formatMinorPlain,
  formatSekEn,
  formatSekSv,
  mulDivFloor,
  mulDivHalfUp,
  parseSekAmount,
  roundHalfUpDiv,
} from '../../src/rewards/money.js';

describe('formatSekSv / formatSekEn', () => {
  it.each([
    [0, '0,00 kr', 'SEK 0.00'],
    [5, '0,05 kr', 'SEK 0.05'],
    [99, '0,99 kr', 'SEK 0.99'],
    [100, '1,00 kr', 'SEK 1.00'],
    [24_500, '245,00 kr', 'SEK 245.00'],
    [99_999, '999,99 kr', 'SEK 999.99'],
    [123_450, '1 234,50 kr', 'SEK 1,234.50'],
    [100_000_000, '1 000 000,00 kr', 'SEK 1,000,000.00'],
    [-123_450, '-1 234,50 kr', 'SEK -1,234.50'],
    [-5, '-0,05 kr', 'SEK -0.05'],
  ])('%i öre → "%s" / "%s"', (minor, sv, en) => {
    expect(formatSekSv(minor)).toBe(sv);
    expect(formatSekEn(minor)).toBe(en);
  });

  it('refuses fractional öre instead of printing a rounded amount', () => {
    expect(() => formatSekSv(1.5)).toThrow(RangeError);
    expect(() => formatSekEn(Number.NaN)).toThrow(RangeError);
  });

  it.each([
    [12_345, '123,45'],
    [100_000_000, '1000000,00'],
    [-50, '-0,50'],
    [7, '0,07'],
  ])('plain CSV amount %i → %s', (minor, text) => {
    expect(formatMinorPlain(minor)).toBe(text);
  });
});

describe('formatBps', () => {
  it.each([
    [0, '0 %', '0%'],
    [100, '1 %', '1%'],
    [660, '6,6 %', '6.6%'],
    [678, '6,78 %', '6.78%'],
    [1200, '12 %', '12%'],
    [5, '0,05 %', '0.05%'],
    [2000, '20 %', '20%'],
  ])('%i bps → %s / %s', (bps, sv, en) => {
    expect(formatBps(bps, 'sv')).toBe(sv);
    expect(formatBps(bps, 'en')).toBe(en);
  });
});

describe('parseSekAmount', () => {
  it.each([
    ['123', 12_300],
    ['123.50', 12_350],
    ['123,50', 12_350],
    ['123,5', 12_350],
    ['123.05', 12_305],
    ['0', 0],
    ['0,01', 1],
    ['0.99', 99],
    ['  49,90 ', 4_990], // surrounding whitespace (a pasted value, a mobile keyboard's trailing space) is trimmed
    ['12\n', 1_200],
    ['999999999,99', 99_999_999_999],
  ])('accepts %j → %i öre', (input, minor) => {
    expect(parseSekAmount(input)).toBe(minor);
  });

  it.each([
    '', ' ', '-5', '+5', '−5', '1e3', '1E3', '12.345', '12,345', '1 234', '1 234,50', '1,234.50', '1.234,50', '1_000',
    '12 ,50', '12, 50', '12.', '12,', '.5', ',50', '0x10', 'NaN', 'Infinity', '١٢٣', '１２３', '12kr', '12 kr', 'kr 12',
    '007', '00,50', '1000000000', '12.5.0', '12,,5', '1\u00a0234', '\t', 'abc',
  ])('rejects %j', (input) => {
    expect(parseSekAmount(input)).toBeNull();
  });

  it('never throws and returns null or a non-negative safe integer for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (input) => {
        const result = parseSekAmount(input);
        expect(result === null || (Number.isSafeInteger(result) && result >= 0)).toBe(true);
      }),
    );
  });

  it('round-trips with the plain formatter (both decimal separators)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), fc.constantFrom<',' | '.'>(',', '.'), (minor, sep) => {
        expect(parseSekAmount(formatMinorPlain(minor, sep))).toBe(minor);
      }),
    );
  });

  it('round-trips with the display formatters once the grouping and unit are removed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (minor) => {
        expect(parseSekAmount(formatSekSv(minor).replace(/ kr$/, '').replace(/ /g, ''))).toBe(minor);
        expect(parseSekAmount(formatSekEn(minor).replace(/^SEK /, '').replace(/,/g, ''))).toBe(minor);
      }),
    );
  });
});

describe('roundHalfUpDiv', () => {
  it.each([
    [0, 4, 0],
    [1, 4, 0], // 0.25
    [2, 4, 1], // 0.5 rounds up
    [3, 4, 1],
    [5, 2, 3], // 2.5
    [7, 2, 4], // 3.5
    [10, 5, 2],
    [-2, 4, -1], // -0.5 rounds away from zero, mirroring +0.5
    [-1, 4, 0],
    [-5, 2, -3],
    [Number.MAX_SAFE_INTEGER, 2, 4_503_599_627_370_496],
  ])('roundHalfUpDiv(%i, %i) = %i', (a, b, expected) => {
    expect(roundHalfUpDiv(a, b)).toBe(expected);
  });

  it('rejects a non-positive divisor and non-integers', () => {
    expect(() => roundHalfUpDiv(1, 0)).toThrow(RangeError);
    expect(() => roundHalfUpDiv(1, -2)).toThrow(RangeError);
    expect(() => roundHalfUpDiv(1.5, 2)).toThrow(RangeError);
  });

  it('is within half a unit of the exact quotient and symmetric around zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 1e6 }), (a, b) => {
        const q = roundHalfUpDiv(a, b);
        expect(Math.abs(q * b - a) * 2).toBeLessThanOrEqual(b);
        expect(roundHalfUpDiv(-a, b) + q).toBe(0);
        expect(Object.is(q, -0)).toBe(false);
      }),
    );
  });
});

describe('mulDivFloor / mulDivHalfUp', () => {
  it('stays exact where a·b exceeds 2^53', () => {
    // 9 007 199 254 740 991 · 3 = 27 021 597 764 222 973 = 7 · 3 860 228 252 031 853 + 2
    expect(mulDivFloor(Number.MAX_SAFE_INTEGER, 3, 7)).toBe(3_860_228_252_031_853);
    expect(mulDivHalfUp(Number.MAX_SAFE_INTEGER, 3, 7)).toBe(3_860_228_252_031_853);
    expect(mulDivHalfUp(Number.MAX_SAFE_INTEGER, 4, 7)).toBe(5_146_971_002_709_138); // …137 + 5/7 rounds up
  });

  it('refuses a result outside the safe-integer range rather than returning a rounded float', () => {
    expect(() => mulDivFloor(Number.MAX_SAFE_INTEGER, 3, 2)).toThrow(RangeError);
    expect(() => mulDivHalfUp(Number.MAX_SAFE_INTEGER, -3, 2)).toThrow(RangeError);
  });

  it('floors, and rounds half away from zero', () => {
    expect(mulDivFloor(24_500, 678, 10_000)).toBe(1_661); // 1661.1
    expect(mulDivFloor(9_999, 1, 10_000)).toBe(0);
    expect(mulDivHalfUp(25, 2_000, 10_000)).toBe(5);
    expect(mulDivHalfUp(2_502, 2_500, 10_000)).toBe(626); // 625.5
    expect(mulDivHalfUp(-2_502, 2_500, 10_000)).toBe(-626);
  });
});
