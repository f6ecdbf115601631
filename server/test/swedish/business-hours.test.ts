import { describe, expect, it } from 'vitest';
import { getBusinessContext, type BusinessContext } from '../../src/swedish/index.js';

// Instants are written with explicit offsets so the expectations don't reuse the code's own zone logic.
const ctx = (instant: string): BusinessContext => getBusinessContext(new Date(instant));

describe('weekday boundaries (Tue 2026-01-20, CET +01:00)', () => {
  it.each([
    ['08:59', 'off_hours', false],
    ['09:00', 'business_hours', false],
    ['10:59', 'business_hours', false],
    ['11:00', 'business_hours', true],
    ['14:59', 'business_hours', true],
    ['15:00', 'business_hours', false],
    ['17:59', 'business_hours', false],
    ['18:00', 'extended_hours', false],
    ['21:59', 'extended_hours', false],
    ['22:00', 'off_hours', false],
    ['00:00', 'off_hours', false],
  ])('%s → %s (peak %s)', (time, timeContext, isPeakHours) => {
    const c = ctx(`2026-01-20T${time}:00+01:00`);
    expect(c).toMatchObject({ timeContext, isPeakHours, businessType: 'weekday', localDate: '2026-01-20', weekday: 2 });
    expect(c.isBusinessTime).toBe(timeContext === 'business_hours');
  });

  it('uses summer time in June (Wed 2026-06-10 09:00 local = 07:00Z)', () => {
    expect(ctx('2026-06-10T06:59:00Z').timeContext).toBe('off_hours');
    expect(ctx('2026-06-10T07:00:00Z')).toMatchObject({ timeContext: 'business_hours', utcOffsetMinutes: 120, isDst: true });
  });
});

describe('weekend boundaries (Sat 2026-01-24)', () => {
  it.each([
    ['09:59', 'off_hours', false],
    ['10:00', 'business_hours', false],
    ['10:59', 'business_hours', false],
    ['11:00', 'business_hours', true],
    ['14:59', 'business_hours', true],
    ['15:00', 'business_hours', false],
    ['15:59', 'business_hours', false],
    ['16:00', 'off_hours', false],
    ['17:59', 'off_hours', false],
    ['18:00', 'extended_hours', false],
    ['21:59', 'extended_hours', false],
    ['22:00', 'off_hours', false],
  ])('%s → %s (peak %s)', (time, timeContext, isPeakHours) => {
    expect(ctx(`2026-01-24T${time}:00+01:00`)).toMatchObject({ timeContext, isPeakHours, businessType: 'weekend', weekday: 6 });
  });

  it('Sunday is weekday 7', () => {
    expect(ctx('2026-01-25T12:00:00+01:00')).toMatchObject({ weekday: 7, businessType: 'weekend' });
  });
});

describe('holidays', () => {
  it.each([
    ['2026-12-24T12:00:00+01:00', 'julafton'],
    ['2026-06-19T12:00:00+02:00', 'midsommarafton'],
    ['2026-04-03T12:00:00+02:00', 'långfredagen'],
    ['2026-12-31T12:00:00+01:00', 'nyårsafton'],
    ['2026-06-06T12:00:00+02:00', 'nationaldagen'],
  ])('%s is off-hours all day (%s)', (instant, holidayName) => {
    expect(ctx(instant)).toMatchObject({
      businessType: 'holiday',
      timeContext: 'off_hours',
      isBusinessTime: false,
      isPeakHours: false,
      holidayName,
      observance: null,
    });
  });

  it('evening of a holiday is not extended hours', () => {
    expect(ctx('2026-12-24T19:00:00+01:00').timeContext).toBe('off_hours');
  });

  it('påskafton is a normal Saturday, exposed as observance', () => {
    expect(ctx('2026-04-04T12:00:00+02:00')).toMatchObject({
      businessType: 'weekend',
      timeContext: 'business_hours',
      holidayName: null,
      observance: 'påskafton',
    });
  });

  it('holiday detection uses the Stockholm date, not the UTC date', () => {
    // 23:30Z on Dec 23 is 00:30 on julafton in Stockholm.
    expect(ctx('2026-12-23T23:30:00Z')).toMatchObject({ localDate: '2026-12-24', holidayName: 'julafton' });
    expect(ctx('2026-12-24T22:59:00Z').holidayName).toBe('julafton');
    expect(ctx('2026-12-25T23:00:00Z')).toMatchObject({ localDate: '2026-12-26', holidayName: 'annandag jul' });
  });
});

describe('nextBusinessDay', () => {
  it.each([
    ['Friday → Monday', '2026-01-23T12:00:00+01:00', '2026-01-26', '2026-01-26T08:00:00.000Z'],
    ['Saturday → Monday', '2026-01-24T12:00:00+01:00', '2026-01-26', '2026-01-26T08:00:00.000Z'],
    ['Tuesday → Wednesday', '2026-01-20T12:00:00+01:00', '2026-01-21', '2026-01-21T08:00:00.000Z'],
    ['skärtorsdag skips Easter', '2026-04-02T12:00:00+02:00', '2026-04-07', '2026-04-07T07:00:00.000Z'],
    ['skärtorsdag 2025', '2025-04-17T12:00:00+02:00', '2025-04-22', '2025-04-22T07:00:00.000Z'],
    ['Christmas run 2026', '2026-12-23T12:00:00+01:00', '2026-12-28', '2026-12-28T08:00:00.000Z'],
    ['Christmas run 2025', '2025-12-23T12:00:00+01:00', '2025-12-29', '2025-12-29T08:00:00.000Z'],
    ['New Year into 2027', '2026-12-30T12:00:00+01:00', '2027-01-04', '2027-01-04T08:00:00.000Z'],
    ['midsommar 2026', '2026-06-18T12:00:00+02:00', '2026-06-22', '2026-06-22T07:00:00.000Z'],
    ['Friday after local midnight', '2026-01-22T23:30:00Z', '2026-01-26', '2026-01-26T08:00:00.000Z'],
    ['across spring-forward', '2026-03-27T12:00:00+01:00', '2026-03-30', '2026-03-30T07:00:00.000Z'],
  ])('%s', (_label, instant, nextBusinessDay, nextBusinessDayStart) => {
    expect(ctx(instant)).toMatchObject({ nextBusinessDay, nextBusinessDayStart });
  });
});

describe('DST transitions in Europe/Stockholm', () => {
  it('spring forward 2026-03-29: 01:00Z jumps from 02:00 CET to 03:00 CEST', () => {
    expect(ctx('2026-03-29T00:59:59Z')).toMatchObject({
      localTime: '2026-03-29T01:59:59.000+01:00',
      utcOffsetMinutes: 60,
      isDst: false,
    });
    expect(ctx('2026-03-29T01:30:00Z')).toMatchObject({
      localTime: '2026-03-29T03:30:00.000+02:00',
      localDate: '2026-03-29',
      utcOffsetMinutes: 120,
      isDst: true,
      timeContext: 'off_hours',
    });
  });

  it('classifies by the new offset after spring forward (Sunday)', () => {
    expect(ctx('2026-03-29T07:59:00Z').timeContext).toBe('off_hours'); // 09:59 local
    expect(ctx('2026-03-29T08:00:00Z').timeContext).toBe('business_hours'); // 10:00 local
    expect(ctx('2026-03-29T09:00:00Z').isPeakHours).toBe(true); // 11:00 local
    expect(ctx('2026-03-29T13:59:00Z').timeContext).toBe('business_hours'); // 15:59 local
    expect(ctx('2026-03-29T14:00:00Z').timeContext).toBe('off_hours'); // 16:00 local
    expect(ctx('2026-03-30T06:59:00Z').timeContext).toBe('off_hours'); // Mon 08:59 local
    expect(ctx('2026-03-30T07:00:00Z').timeContext).toBe('business_hours'); // Mon 09:00 local
  });

  it('fall back 2026-10-25: 02:30 local happens twice with different offsets', () => {
    expect(ctx('2026-10-25T00:30:00Z')).toMatchObject({
      localTime: '2026-10-25T02:30:00.000+02:00',
      isDst: true,
      utcOffsetMinutes: 120,
    });
    expect(ctx('2026-10-25T01:30:00Z')).toMatchObject({
      localTime: '2026-10-25T02:30:00.000+01:00',
      isDst: false,
      utcOffsetMinutes: 60,
      localDate: '2026-10-25',
    });
  });

  it('classifies by the new offset after fall back (Sunday, then Monday)', () => {
    expect(ctx('2026-10-25T08:59:00Z').timeContext).toBe('off_hours'); // 09:59 local
    expect(ctx('2026-10-25T09:00:00Z').timeContext).toBe('business_hours'); // 10:00 local
    expect(ctx('2026-10-25T14:59:00Z').timeContext).toBe('business_hours'); // 15:59 local
    expect(ctx('2026-10-25T15:00:00Z').timeContext).toBe('off_hours'); // 16:00 local
    expect(ctx('2026-10-26T08:00:00Z')).toMatchObject({ timeContext: 'business_hours', nextBusinessDayStart: '2026-10-27T08:00:00.000Z' });
  });

  function hoursInLocalDay(localDate: string, firstUtcHour: string): number {
    let count = 0;
    for (let t = Date.parse(firstUtcHour) - 3 * 3_600_000; t < Date.parse(firstUtcHour) + 28 * 3_600_000; t += 3_600_000) {
      if (getBusinessContext(new Date(t)).localDate === localDate) count++;
    }
    return count;
  }

  it('2026-03-29 is a 23-hour day and 2026-10-25 a 25-hour day', () => {
    expect(hoursInLocalDay('2026-03-29', '2026-03-28T23:00:00Z')).toBe(23);
    expect(hoursInLocalDay('2026-10-25', '2026-10-24T22:00:00Z')).toBe(25);
    expect(hoursInLocalDay('2026-01-20', '2026-01-19T23:00:00Z')).toBe(24);
  });
});

describe('output shape and input validation', () => {
  it('reports the instant in UTC and the local time with offset', () => {
    expect(ctx('2026-01-20T10:15:00+01:00')).toMatchObject({
      at: '2026-01-20T09:15:00.000Z',
      localTime: '2026-01-20T10:15:00.000+01:00',
      utcOffsetMinutes: 60,
      isDst: false,
    });
  });

  it('throws RangeError for an invalid Date', () => {
    expect(() => getBusinessContext(new Date('nope'))).toThrow(RangeError);
  });
});
