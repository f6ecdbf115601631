import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALERT_LEVELS,
  BUSINESS_TYPES,
  TIME_CONTEXTS,
  getAlertSeverity,
  getBusinessContext,
  getSwedishHolidays,
} from '../../src/swedish/index.js';

const instants = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});

function isNonWorkingHoliday(date: string): boolean {
  return getSwedishHolidays(Number(date.slice(0, 4))).some(
    (h) => h.date === date && (h.type === 'public' || h.type === 'bank'),
  );
}

const utcWeekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
const isWeekdayDate = (date: string): boolean => utcWeekday(date) >= 1 && utcWeekday(date) <= 5;

function datesBetween(fromExclusive: string, toExclusive: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${fromExclusive}T00:00:00Z`) + 86_400_000; t < Date.parse(`${toExclusive}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

describe('properties for any instant 2000–2100', () => {
  it('getBusinessContext is total and self-consistent', () => {
    fc.assert(
      fc.property(instants, (at) => {
        const c = getBusinessContext(at);
        expect(TIME_CONTEXTS).toContain(c.timeContext);
        expect(BUSINESS_TYPES).toContain(c.businessType);
        expect(Date.parse(c.localTime)).toBe(at.getTime());
        expect([60, 120]).toContain(c.utcOffsetMinutes);
        expect(c.nextBusinessDay > c.localDate).toBe(true);
        expect(isWeekdayDate(c.nextBusinessDay)).toBe(true);
        expect(isNonWorkingHoliday(c.nextBusinessDay)).toBe(false);
        // "next" means no business day was skipped in between.
        for (const d of datesBetween(c.localDate, c.nextBusinessDay)) {
          expect(!isWeekdayDate(d) || isNonWorkingHoliday(d), d).toBe(true);
        }
        expect(Date.parse(c.nextBusinessDayStart)).toBeGreaterThan(at.getTime());
        if (c.businessType === 'holiday') expect(c.timeContext).toBe('off_hours');
        if (c.isPeakHours) expect(c.timeContext).toBe('business_hours');
      }),
      { numRuns: 500 },
    );
  });

  it('critical is never downgraded and always pages; nothing is ever upgraded', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...ALERT_LEVELS), (at, base) => {
        const result = getAlertSeverity(base, at);
        if (base === 'critical') {
          expect(result.adjustedLevel).toBe('critical');
          expect(result.shouldAlert).toBe(true);
        }
        expect(ALERT_LEVELS.indexOf(result.adjustedLevel)).toBeGreaterThanOrEqual(ALERT_LEVELS.indexOf(base));
        expect(Date.parse(result.responseTarget.deadline)).toBeGreaterThanOrEqual(at.getTime());
      }),
      { numRuns: 500 },
    );
  });
});
