import { describe, expect, it } from 'vitest';
import {
  calendarEntryOn,
  getSwedishHolidays,
  holidayOn,
  isNonWorkingDay,
} from '../../src/swedish/index.js';

/** Independent Gregorian Easter (Meeus/Jones/Butcher) so the library is checked, not echoed. */
function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * 86_400_000);
const utcWeekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday

function findByName(year: number, name: string) {
  return getSwedishHolidays(year).filter((h) => h.name === name);
}

// [year, långfredagen, påskdagen, annandag påsk, midsommarafton, alla helgons dag]
const KNOWN: ReadonlyArray<readonly [number, string, string, string, string, string]> = [
  [2024, '2024-03-29', '2024-03-31', '2024-04-01', '2024-06-21', '2024-11-02'],
  [2025, '2025-04-18', '2025-04-20', '2025-04-21', '2025-06-20', '2025-11-01'],
  [2026, '2026-04-03', '2026-04-05', '2026-04-06', '2026-06-19', '2026-10-31'],
  [2027, '2027-03-26', '2027-03-28', '2027-03-29', '2027-06-25', '2027-11-06'],
  [2030, '2030-04-19', '2030-04-21', '2030-04-22', '2030-06-21', '2030-11-02'],
];

describe('getSwedishHolidays – known dates', () => {
  it.each(KNOWN)('%i: Easter, midsommar and alla helgons dag', (year, goodFriday, easter, easterMonday, midsummerEve, allSaints) => {
    const expectations: Array<[string, string, string]> = [
      ['långfredagen', goodFriday, 'public'],
      ['påskdagen', easter, 'public'],
      ['annandag påsk', easterMonday, 'public'],
      ['midsommarafton', midsummerEve, 'bank'],
      ['alla helgons dag', allSaints, 'public'],
      ['nyårsdagen', `${year}-01-01`, 'public'],
      ['trettondedag jul', `${year}-01-06`, 'public'],
      ['första maj', `${year}-05-01`, 'public'],
      ['nationaldagen', `${year}-06-06`, 'public'],
      ['julafton', `${year}-12-24`, 'bank'],
      ['juldagen', `${year}-12-25`, 'public'],
      ['annandag jul', `${year}-12-26`, 'public'],
      ['nyårsafton', `${year}-12-31`, 'bank'],
    ];
    for (const [name, date, type] of expectations) {
      expect(holidayOn(date), `${name} ${year}`).toEqual({ date, name, type });
    }
  });

  it('2026 has the expected set of non-working days', () => {
    const nonWorking = getSwedishHolidays(2026)
      .filter((h) => h.type === 'public' || h.type === 'bank')
      .map((h) => h.date);
    expect(nonWorking).toEqual([
      '2026-01-01', '2026-01-06', '2026-04-03', '2026-04-05', '2026-04-06', '2026-05-01',
      '2026-05-14', '2026-05-24', '2026-06-06', '2026-06-19', '2026-06-20', '2026-10-31',
      '2026-12-24', '2026-12-25', '2026-12-26', '2026-12-31',
    ]);
  });
});

describe('observances are normal days', () => {
  it.each([
    ['2024-03-30', 'påskafton'],
    ['2026-04-04', 'påskafton'],
    ['2026-05-23', 'pingstafton'],
    ['2026-05-25', 'annandag pingst'],
    ['2026-04-30', 'valborgsmässoafton'],
  ])('%s (%s) is listed but working', (date, name) => {
    expect(calendarEntryOn(date)?.name).toBe(name);
    expect(holidayOn(date)).toBeNull();
    expect(isNonWorkingDay(date)).toBe(false);
  });

  it('ordinary days have no entry', () => {
    expect(calendarEntryOn('2026-01-20')).toBeNull();
    expect(isNonWorkingDay('2026-01-20')).toBe(false);
    expect(isNonWorkingDay('2026-12-24')).toBe(true);
  });
});

describe('deduplication and caching', () => {
  it('never returns two entries for one date (2000–2100)', () => {
    for (let year = 2000; year <= 2100; year++) {
      const dates = getSwedishHolidays(year).map((h) => h.date);
      expect(new Set(dates).size, `year ${year}`).toBe(dates.length);
      expect(dates.every((d) => d.startsWith(`${year}-`)), `year ${year}`).toBe(true);
    }
  });

  it('a public holiday beats an observance on the same date (pingstdagen 2023 = Mors dag)', () => {
    expect(calendarEntryOn('2023-05-28')).toEqual({ date: '2023-05-28', name: 'pingstdagen', type: 'public' });
  });

  it('two public holidays on one date merge names (2008-05-01)', () => {
    expect(calendarEntryOn('2008-05-01')).toEqual({
      date: '2008-05-01',
      name: 'första maj / Kristi himmelsfärdsdag',
      type: 'public',
    });
  });

  it('caches per year and returns frozen data', () => {
    const first = getSwedishHolidays(2025);
    expect(getSwedishHolidays(2025)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('rejects malformed input', () => {
    expect(() => holidayOn('2026-1-1')).toThrow(RangeError);
    expect(() => getSwedishHolidays(2025.5)).toThrow(RangeError);
  });
});

describe('rules hold for every year 2000–2100', () => {
  it('Easter-based holidays match an independent Easter computation', () => {
    for (let year = 2000; year <= 2100; year++) {
      const easter = easterSunday(year);
      expect(findByName(year, 'påskdagen').map((h) => h.date), `${year}`).toEqual([isoDay(easter)]);
      expect(holidayOn(isoDay(addDays(easter, -2)))?.name, `${year}`).toBe('långfredagen');
      expect(holidayOn(isoDay(addDays(easter, 1)))?.name, `${year}`).toBe('annandag påsk');
      expect(holidayOn(isoDay(addDays(easter, -1))), `${year} påskafton`).toBeNull();
    }
  });

  it('midsommarafton is the Friday in 19–25 June; alla helgons dag the Saturday in 31 Oct–6 Nov', () => {
    for (let year = 2000; year <= 2100; year++) {
      const [eve] = findByName(year, 'midsommarafton');
      expect(eve && utcWeekday(eve.date), `${year}`).toBe(5);
      expect(eve!.date >= `${year}-06-19` && eve!.date <= `${year}-06-25`, `${year}`).toBe(true);
      const [allSaints] = findByName(year, 'alla helgons dag');
      expect(allSaints && utcWeekday(allSaints.date), `${year}`).toBe(6);
      expect(allSaints!.date >= `${year}-10-31` && allSaints!.date <= `${year}-11-06`, `${year}`).toBe(true);
    }
  });
});
