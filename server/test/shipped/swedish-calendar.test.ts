/**
 * The Swedish holiday calendar through the built server: src/swedish/routes.ts imports ./index.js (with
 * date-holidays and its time-zone data) on first use, which the bundle splits into its own chunk; only the
 * shipped server proves that chunk loads and works.
 *
 * @covers swedish/index.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';

describe('Swedish calendar chunk in the built server', () => {
  let p: ServedPlatform;

  beforeAll(async () => {
    p = await startServedPlatform({}, 'swedish calendar server');
  });
  afterAll(async () => p?.stop());

  it('knows midsommarafton and lowers a medium alert at night', async () => {
    const context = await p.admin('GET', '/swedish-ops/business-context?at=2026-06-19T10:00:00Z');
    expect(context.status, context.text).toBe(200);
    expect(context.body).toMatchObject({ timeContext: 'off_hours', businessType: 'holiday', holidayName: 'midsommarafton', nextBusinessDay: '2026-06-22' });
    expect(context.body.localTime).toMatch(/^2026-06-19T12:00:00(\.000)?\+02:00$/);

    const severity = await p.admin('POST', '/swedish-ops/alert-severity', { base_level: 'medium', at: '2026-11-24T02:00:00Z' });
    expect(severity.status, severity.text).toBe(200);
    expect(severity.body).toMatchObject({ adjustedLevel: 'low', shouldAlert: false });
  });
});
