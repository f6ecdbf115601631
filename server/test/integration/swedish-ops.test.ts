import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

describe.skipIf(backendUnavailable)('Swedish ops endpoints', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  it('requires the admin token', async () => {
    expect((await p.api('GET', '/swedish-ops/business-context')).status).toBe(401);
    expect((await p.api('POST', '/swedish-ops/alert-severity', { base_level: 'low' })).status).toBe(401);
  });

  it('business-context on midsommarafton 2026 at noon is a holiday, off-hours', async () => {
    const res = await p.admin('GET', '/swedish-ops/business-context?at=2026-06-19T10:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ at: '2026-06-19T10:00:00.000Z', timeContext: 'off_hours', businessType: 'holiday', holidayName: 'midsommarafton', isPeakHours: false, nextBusinessDay: '2026-06-22' });
    expect(res.body.localTime).toMatch(/^2026-06-19T12:00:00(\.000)?\+02:00$/);
  });

  it('business-context on a Tuesday at 12:30 Stockholm time is peak business hours', async () => {
    const res = await p.admin('GET', '/swedish-ops/business-context?at=2026-11-24T11:30:00Z');
    expect(res.body).toMatchObject({ timeContext: 'business_hours', businessType: 'weekday', holidayName: null, isPeakHours: true, nextBusinessDay: '2026-11-25' });
  });

  it('defaults `at` to now and rejects a malformed instant with 400', async () => {
    const now = await p.admin('GET', '/swedish-ops/business-context');
    expect(now.status).toBe(200);
    expect(Math.abs(Date.parse(now.body.at) - Date.now())).toBeLessThan(60_000);
    const bad = await p.admin('GET', '/swedish-ops/business-context?at=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });

  it('alert-severity lowers a medium alert at 03:00 on a weekday and keeps critical', async () => {
    const medium = await p.admin('POST', '/swedish-ops/alert-severity', { base_level: 'medium', at: '2026-11-24T02:00:00Z' });
    expect(medium.status).toBe(200);
    expect(medium.body).toMatchObject({ adjustedLevel: 'low', shouldAlert: false, responseTarget: { label: 'next_business_day' } });
    expect(medium.body.context.timeContext).toBe('off_hours');
    const critical = await p.admin('POST', '/swedish-ops/alert-severity', { base_level: 'critical', at: '2026-12-24T02:00:00Z' });
    expect(critical.body).toMatchObject({ adjustedLevel: 'critical', shouldAlert: true, responseTarget: { label: '2h', minutes: 120, deadline: '2026-12-24T04:00:00.000Z' } });
  });

  it('alert-severity validates its input', async () => {
    for (const body of [{}, { base_level: 'urgent' }, { base_level: 'low', at: 'nope' }, { base_level: 'low', extra: 1 }]) {
      const res = await p.admin('POST', '/swedish-ops/alert-severity', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});
