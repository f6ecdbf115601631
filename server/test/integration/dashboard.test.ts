import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createLocation } from '../helpers/fixtures.js';
import { expectError, newBusiness } from '../helpers/admin-helpers.js';
import { businessUser, type Browser } from '../helpers/accounts.js';
import { seedFeedback } from '../helpers/feedback-seed.js';

async function cacheCount(p: TestPlatform, result: 'hit' | 'miss'): Promise<number> {
  const metric = await p.ctx.metrics.registry.getSingleMetric('dashboard_cache_requests_total')?.get();
  return metric?.values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe.skipIf(backendUnavailable)('business dashboard APIs (Europe/Stockholm, released feedback only)', () => {
  let p: TestPlatform;
  let biz: string;
  let other: string;
  let locA: string;
  let locB: string;
  let staff: Browser;
  const base = () => `/admin/businesses/${biz}`;
  const range = 'from=2026-06-01&to=2026-06-30';

  beforeAll(async () => {
    p = await startTestPlatform();
    biz = (await newBusiness(p, { name: 'Kafé Sol' })).id;
    other = (await newBusiness(p, { name: 'Kafé Måne' })).id;
    locA = (await createLocation(p, biz)).id;
    locB = (await createLocation(p, biz)).id;
    const otherLoc = (await createLocation(p, other)).id;
    staff = await businessUser(p, biz, 'staff@sol.test', 'staff');
    // 23:30 UTC on 1 June is 01:30 on 2 June in Stockholm (CEST, UTC+2): a Tuesday.
    await seedFeedback(p, { businessId: biz, locationId: locA, scoredAt: '2026-06-01T23:30:00.000Z', score: 92, sentiment: 0.8, categories: ['service', 'staff'], text: 'Fantastisk kanelbulle och vänlig kassörska', rewardMinor: 2000 });
    await seedFeedback(p, { businessId: biz, locationId: locA, scoredAt: '2026-06-02T10:15:00.000Z', score: 64, sentiment: -0.5, categories: ['cleanliness'], text: 'Smutsiga bord men god kanelbulle' });
    await seedFeedback(p, { businessId: biz, locationId: locB, scoredAt: '2026-06-02T21:59:00.000Z', score: 78, sentiment: 0.1, categories: ['product'], channel: 'store_code', claimStatus: 'verified', text: 'Okej kaffe, lång kö vid kassan', rewardMinor: 800 });
    // Not released: the shop has not yet reviewed this store-code claim.
    await seedFeedback(p, { businessId: biz, locationId: locB, scoredAt: '2026-06-03T09:00:00.000Z', score: 99, channel: 'store_code', claimStatus: 'pending', text: 'HEMLIG väntande feedback' });
    // Outside the range, and another business's feedback.
    await seedFeedback(p, { businessId: biz, locationId: locA, scoredAt: '2026-07-01T09:00:00.000Z', score: 10 });
    await seedFeedback(p, { businessId: other, locationId: otherLoc, scoredAt: '2026-06-02T09:00:00.000Z', score: 50, text: 'ANNAN butik' });
  });
  afterAll(() => p?.stop());

  it('computes the overview in Stockholm days with per-location trends and the quality distribution', async () => {
    const res = await staff.call('GET', `${base()}/dashboard/overview?${range}`);
    expect(res.status, res.text).toBe(200);
    const o = res.body;
    expect(o.range).toEqual({ from: '2026-06-01', to: '2026-06-30', timeZone: 'Europe/Stockholm' });
    expect(o.feedbackCount).toBe(3);
    expect(o.averageQuality).toBe(Math.round(((92 + 64 + 78) / 3) * 10) / 10);
    expect(o.sessions).toBe(4);
    expect(o.rewardsPaidMinor).toBe(2800);
    expect(o.trend).toEqual([
      { date: '2026-06-02', locationId: locA, locationName: 'Butik Centrum', feedbackCount: 2, averageQuality: 78 },
      { date: '2026-06-02', locationId: locB, locationName: 'Butik Centrum', feedbackCount: 1, averageQuality: 78 },
    ].sort((x, y) => x.locationId.localeCompare(y.locationId)));
    expect(o.qualityDistribution).toHaveLength(10);
    expect(o.qualityDistribution.find((b: { band: string }) => b.band === '90-100').count).toBe(1);
    expect(o.qualityDistribution.find((b: { band: string }) => b.band === '60-69').count).toBe(1);
    expect(o.qualityDistribution.reduce((s: number, b: { count: number }) => s + b.count, 0)).toBe(3);
    const oneLoc = await staff.call('GET', `${base()}/dashboard/overview?${range}&locationId=${locB}`);
    expect(oneLoc.body.feedbackCount).toBe(1);
  });

  it('lists released feedback newest first with filters, search and keyset pages', async () => {
    const all = await staff.call('GET', `${base()}/feedback?${range}`);
    expect(all.status, all.text).toBe(200);
    expect(all.body.items.map((f: { score: number }) => f.score)).toEqual([78, 64, 92]);
    expect(all.text).not.toContain('HEMLIG');
    expect(all.text).not.toContain('ANNAN');
    expect(all.body.items[0]).toMatchObject({ channel: 'store_code', verification: 'store_verified', sentimentLabel: 'neutral', categories: ['product'], rewardMinor: 800, locationId: locB });
    const q = (s: string) => staff.call('GET', `${base()}/feedback?${range}&${s}`).then((r) => r.body.items.map((f: { score: number }) => f.score));
    expect(await q('minScore=70')).toEqual([78, 92]);
    expect(await q('maxScore=70')).toEqual([64]);
    expect(await q('sentiment=negative')).toEqual([64]);
    expect(await q('sentiment=positive')).toEqual([92]);
    expect(await q('category=staff')).toEqual([92]);
    expect(await q(`locationId=${locA}`)).toEqual([64, 92]);
    expect(await q('q=KANELBULLE')).toEqual([64, 92]);
    expect(await q('q=100%25')).toEqual([]);
    const page1 = await staff.call('GET', `${base()}/feedback?${range}&limit=2`);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await staff.call('GET', `${base()}/feedback?${range}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((f: { score: number }) => f.score)).toEqual([92]);
    expect(page2.body.nextCursor).toBeNull();
    expectError(await staff.call('GET', `${base()}/feedback?cursor=bm9wZQ`), 400, 'invalid_cursor');
    expectError(await staff.call('GET', `${base()}/feedback?from=2026-06-30&to=2026-06-01`), 400, 'validation_failed');
  });

  it('shows a released feedback in full and hides unreleased or foreign ones', async () => {
    const list = await staff.call('GET', `${base()}/feedback?${range}`);
    const detail = await staff.call('GET', `${base()}/feedback/${list.body.items[2].id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.turns).toEqual([expect.objectContaining({ role: 'customer', text: 'Fantastisk kanelbulle och vänlig kassörska' })]);
    expect(detail.body.reward).toMatchObject({ amountMinor: 2000, status: 'approved' });
    const pending = await p.ctx.db.kysely.selectFrom('feedback_sessions').select('id').where('score', '=', 99).executeTakeFirstOrThrow();
    expectError(await staff.call('GET', `${base()}/feedback/${pending.id}`), 404, 'not_found');
    const foreign = await p.ctx.db.kysely.selectFrom('feedback_sessions').select('id').where('business_id', '=', other).executeTakeFirstOrThrow();
    expectError(await staff.call('GET', `${base()}/feedback/${foreign.id}`), 404, 'not_found');
  });

  it('exports the filtered feedback as Swedish-Excel CSV', async () => {
    const res = await staff.call('GET', `${base()}/feedback/export.csv?${range}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Datum;Tid;Plats;Kanal;Verifiering;Poäng;Sentiment;Kategorier;Belöning (kr);Feedback');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('2026-06-02;01:30;Butik Centrum;qr;pos;92;positive;service, staff;20,00;Fantastisk kanelbulle och vänlig kassörska');
  });

  it('gives insights: categories and sentiment per day, topics and a weekday × hour heatmap', async () => {
    const res = await staff.call('GET', `${base()}/dashboard/insights?${range}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.categories).toEqual(expect.arrayContaining([{ date: '2026-06-02', category: 'service', count: 1 }, { date: '2026-06-02', category: 'cleanliness', count: 1 }]));
    expect(res.body.sentiment).toEqual([{ date: '2026-06-02', positive: 1, neutral: 1, negative: 1, average: 0.13 }]);
    expect(res.body.topTopics[0]).toEqual({ topic: 'kanelbulle', count: 2 });
    // 01:30, 12:15 and 23:59 Stockholm time on Tuesday 2 June.
    expect(res.body.heatmap).toEqual([{ weekday: 2, hour: 1, count: 1 }, { weekday: 2, hour: 12, count: 1 }, { weekday: 2, hour: 23, count: 1 }]);
  });

  it('caches overview and insights, and new feedback shows at once', async () => {
    const url = `${base()}/dashboard/overview?from=2026-06-01&to=2026-07-15`;
    const hits = await cacheCount(p, 'hit');
    const first = await staff.call('GET', url);
    const second = await staff.call('GET', url);
    expect(second.body).toEqual(first.body);
    expect(await cacheCount(p, 'hit')).toBe(hits + 1);
    // New feedback is scored now, i.e. later than anything before it (the cache key's freshness stamp).
    await seedFeedback(p, { businessId: biz, locationId: locA, scoredAt: '2026-07-02T10:00:00.000Z', score: 70 });
    const third = await staff.call('GET', url);
    expect(third.body.feedbackCount).toBe(first.body.feedbackCount + 1);
    const metrics = await p.admin('GET', '/metrics');
    expect(metrics.text).toMatch(/dashboard_cache_requests_total\{result="hit"\} \d+/);
  });
});
