import { describe, expect, it } from 'vitest';
import { ALERT_LEVELS, getAlertSeverity, type AlertLevel } from '../../src/swedish/index.js';

// Tuesday 2026-01-20 (CET, +01:00), an ordinary weekday; next business day is Wed 2026-01-21 09:00 = 08:00Z.
const BUSINESS = '2026-01-20T09:00:00Z'; // 10:00 local
const EXTENDED = '2026-01-20T18:00:00Z'; // 19:00 local
const OFF = '2026-01-20T22:00:00Z'; // 23:00 local
const NEXT_DAY_09 = '2026-01-21T08:00:00.000Z';

type Row = [AlertLevel, string, AlertLevel, boolean, string, number | null, string];

// base, at, adjusted, shouldAlert, target label, minutes, deadline
const MATRIX: Row[] = [
  ['critical', BUSINESS, 'critical', true, 'immediate', 0, '2026-01-20T09:00:00.000Z'],
  ['high', BUSINESS, 'high', true, '30m', 30, '2026-01-20T09:30:00.000Z'],
  ['medium', BUSINESS, 'medium', true, '2h', 120, '2026-01-20T11:00:00.000Z'],
  ['low', BUSINESS, 'low', false, '8h', 480, '2026-01-20T17:00:00.000Z'],

  ['critical', EXTENDED, 'critical', true, '30m', 30, '2026-01-20T18:30:00.000Z'],
  ['high', EXTENDED, 'medium', false, '2h', 120, '2026-01-20T20:00:00.000Z'],
  ['medium', EXTENDED, 'low', false, '8h', 480, '2026-01-21T02:00:00.000Z'],
  ['low', EXTENDED, 'low', false, 'next_business_day', null, NEXT_DAY_09],

  ['critical', OFF, 'critical', true, '2h', 120, '2026-01-21T00:00:00.000Z'],
  ['high', OFF, 'medium', false, '8h', 480, '2026-01-21T06:00:00.000Z'],
  ['medium', OFF, 'low', false, 'next_business_day', null, NEXT_DAY_09],
  ['low', OFF, 'low', false, 'next_business_day', null, NEXT_DAY_09],
];

describe('severity matrix on a weekday', () => {
  it.each(MATRIX)('%s at %s → %s, page=%s, %s', (base, at, adjustedLevel, shouldAlert, label, minutes, deadline) => {
    const result = getAlertSeverity(base, new Date(at));
    expect(result).toMatchObject({ baseLevel: base, adjustedLevel, shouldAlert, responseTarget: { label, minutes, deadline } });
  });

  it('the fixture instants really are business / extended / off hours', () => {
    expect(getAlertSeverity('low', new Date(BUSINESS)).context.timeContext).toBe('business_hours');
    expect(getAlertSeverity('low', new Date(EXTENDED)).context.timeContext).toBe('extended_hours');
    expect(getAlertSeverity('low', new Date(OFF)).context.timeContext).toBe('off_hours');
  });
});

describe('holidays lower two steps, critical untouched', () => {
  const JULAFTON_NOON = new Date('2026-12-24T11:00:00Z');
  it.each([
    ['critical', 'critical', true, '2h'],
    ['high', 'low', false, '8h'],
    ['medium', 'low', false, 'next_business_day'],
    ['low', 'low', false, 'next_business_day'],
  ] as const)('%s → %s', (base, adjustedLevel, shouldAlert, label) => {
    const result = getAlertSeverity(base, JULAFTON_NOON);
    expect(result).toMatchObject({ adjustedLevel, shouldAlert, responseTarget: { label } });
    expect(result.context).toMatchObject({ businessType: 'holiday', holidayName: 'julafton' });
  });

  it('next-business-day deadline skips the Christmas run', () => {
    expect(getAlertSeverity('medium', JULAFTON_NOON).responseTarget.deadline).toBe('2026-12-28T08:00:00.000Z');
  });
});

describe('weekend and peak hours', () => {
  it('weekend business hours keep the base level and page for medium', () => {
    const result = getAlertSeverity('medium', new Date('2026-01-24T12:00:00+01:00'));
    expect(result).toMatchObject({ adjustedLevel: 'medium', shouldAlert: true, responseTarget: { label: '2h' } });
    expect(result.context.isPeakHours).toBe(true);
  });

  it('peak hours do not raise low', () => {
    expect(getAlertSeverity('low', new Date('2026-01-20T12:00:00+01:00'))).toMatchObject({ adjustedLevel: 'low', shouldAlert: false });
  });

  it('weekend afternoon gap (16–18) is off-hours', () => {
    expect(getAlertSeverity('high', new Date('2026-01-24T17:00:00+01:00'))).toMatchObject({
      adjustedLevel: 'medium',
      responseTarget: { label: '8h' },
    });
  });
});

describe('deadlines and validation', () => {
  it('fixed-minute deadlines are elapsed time across DST (22:00Z + 8h on the spring-forward night)', () => {
    const result = getAlertSeverity('high', new Date('2026-03-28T22:00:00Z')); // Sat 23:00 CET
    expect(result.responseTarget.deadline).toBe('2026-03-29T06:00:00.000Z');
  });

  it('ALERT_LEVELS lists the four levels from most to least severe', () => {
    expect(ALERT_LEVELS).toEqual(['critical', 'high', 'medium', 'low']);
  });

  it('rejects unknown levels', () => {
    expect(() => getAlertSeverity('urgent' as AlertLevel, new Date(BUSINESS))).toThrow(RangeError);
  });
});
