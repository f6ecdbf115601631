import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { parsePurchaseTime } from '../../src/feedback/purchase-time.js';
import { ANONYMISED_TEXT, scrubScoreDetails } from '../../src/gdpr/retention.js';

const at = (input: string, now: string) => parsePurchaseTime(input, new Date(now))?.toISOString() ?? null;

describe('parsePurchaseTime', () => {
  it('"HH:MM" and "HH.MM" are today in Europe/Stockholm, winter (CET) and summer (CEST)', () => {
    expect(at('12:00', '2025-01-15T11:00:00Z')).toBe('2025-01-15T11:00:00.000Z');
    expect(at('12:00', '2025-07-15T11:00:00Z')).toBe('2025-07-15T10:00:00.000Z');
    expect(at('9.05', '2025-07-15T11:00:00Z')).toBe('2025-07-15T07:05:00.000Z');
    expect(at(' 12:00 ', '2025-07-15T11:00:00Z')).toBe('2025-07-15T10:00:00.000Z');
  });

  it('just after midnight, a late evening time means yesterday; up to 30 min ahead stays today', () => {
    // 00:10 CEST on 2 June is 22:10Z on 1 June.
    expect(at('23:55', '2025-06-01T22:10:00Z')).toBe('2025-06-01T21:55:00.000Z');
    expect(at('00:35', '2025-06-01T22:10:00Z')).toBe('2025-06-01T22:35:00.000Z');
    expect(at('00:41', '2025-06-01T22:10:00Z')).toBe('2025-05-31T22:41:00.000Z');
  });

  it('ISO instants need an offset; impossible values are null', () => {
    expect(at('2025-07-15T12:00:00.123+02:00', '2025-07-15T11:00:00Z')).toBe('2025-07-15T10:00:00.123Z');
    expect(at('2025-07-15T12:00Z', '2025-07-15T11:00:00Z')).toBe('2025-07-15T12:00:00.000Z');
    for (const bad of ['2025-07-15T12:00:00', '2025-02-30T12:00:00Z', '24:00', '23:60', '1200', '12:0', '', 'igår 12:00', '١٢:٠٠']) {
      expect(at(bad, '2025-07-15T11:00:00Z'), bad).toBeNull();
    }
  });

  it('property: every valid HH:MM maps to that wall-clock time in Stockholm, at most 30 min ahead and within a day back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true }), (h, m, now) => {
        const input = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        const result = parsePurchaseTime(input, now);
        expect(result).not.toBeNull();
        const local = DateTime.fromJSDate(result!, { zone: 'Europe/Stockholm' });
        // A wall-clock time skipped by the spring DST change lands an hour later; every other one is exact.
        expect(local.hour === h || local.hour === h + 1).toBe(true);
        if (local.hour === h) expect(local.minute).toBe(m);
        expect(result!.getTime()).toBeLessThanOrEqual(now.getTime() + 30 * 60_000 + 3_600_000);
        expect(result!.getTime()).toBeGreaterThan(now.getTime() - 26 * 3_600_000);
      }),
      { numRuns: 500 },
    );
  });
});

describe('scrubScoreDetails (retention)', () => {
  it('replaces the quoted answers to business questions and keeps everything else', () => {
    const details = { breakdown: { authenticity: 80, concreteness: 60, depth: 55 }, reasons: [{ code: 'detailed', sv: 'x', en: 'y' }], questionAnswers: [{ questionId: 'q1', answered: true, summary: 'Via en kollega.' }, { questionId: 'q2', answered: false, summary: '' }], provider: 'embedded' };
    expect(JSON.parse(scrubScoreDetails(JSON.stringify(details)))).toEqual({ ...details, questionAnswers: [{ questionId: 'q1', answered: true, summary: ANONYMISED_TEXT }, { questionId: 'q2', answered: false, summary: '' }] });
    const none = JSON.stringify({ breakdown: { authenticity: 1, concreteness: 2, depth: 3 } });
    expect(scrubScoreDetails(none)).toBe(none);
    expect(scrubScoreDetails('not json')).toBe('not json');
    expect(scrubScoreDetails('null')).toBe('null');
  });
});
