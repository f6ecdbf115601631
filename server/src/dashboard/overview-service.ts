import { sql } from 'kysely';
import type { AppContext } from '../http/context.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import { releasedFeedback } from './released.js';
import { ZONE, startOfStockholmMonthUtc, stockholmHour, type DayRange } from './time-range.js';

/** Reward statuses that hold money against the budget (as in rewards/reward-service.ts). */
const COMMITTED = ['awaiting_phone', 'awaiting_verification', 'held', 'approved'];
const BANDS = Array.from({ length: 10 }, (_, i) => ({ band: i === 9 ? '90-100' : `${i * 10}-${i * 10 + 9}`, from: i * 10, to: i === 9 ? 100 : i * 10 + 9 }));

const num = (v: unknown) => Number(v ?? 0);
const avg = (sum: number, n: number) => (n > 0 ? Math.round((sum / n) * 10) / 10 : null);

async function sumRewards(ctx: AppContext, businessId: string, statuses: string[], fromUtc: string, toUtc?: string): Promise<number> {
  let q = ctx.db.kysely.selectFrom('rewards').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_minor'), eb.lit(0)).as('total')).where('business_id', '=', businessId).where('status', 'in', statuses).where('created_at', '>=', fromUtc);
  if (toUtc) q = q.where('created_at', '<', toUtc);
  return num((await q.executeTakeFirstOrThrow()).total);
}

/** KPIs, budget, daily trend per location and the quality distribution for a range of Stockholm days. */
export async function overview(ctx: AppContext, businessId: string, range: DayRange, locationId?: string) {
  const filters = { locationId };
  // One pass over the covering index: per UTC hour and location, the count, score sum and score-band counts.
  const hourly = releasedFeedback(ctx.db, businessId, range, filters)
    .select([
      sql<string>`substr(fs.scored_at, 1, 13)`.as('h'),
      'fs.location_id',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.sum<number>('fs.score').as('s'),
      ...BANDS.map((b, i) => sql<number>`sum(case when fs.score >= ${sql.lit(b.from)} and fs.score <= ${sql.lit(b.to)} then 1 else 0 end)`.as(`b${i}`)),
    ])
    .groupBy([sql`substr(fs.scored_at, 1, 13)`, 'fs.location_id'])
    .execute();
  let sessionsQ = ctx.db.kysely.selectFrom('feedback_sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('business_id', '=', businessId).where('created_at', '>=', range.startUtc).where('created_at', '<', range.endUtc);
  if (locationId) sessionsQ = sessionsQ.where('location_id', '=', locationId);
  const [hours, sessions, locations, settings, paid, committed] = await Promise.all([
    hourly,
    sessionsQ.executeTakeFirstOrThrow(),
    ctx.db.kysely.selectFrom('locations').select(['id', 'name']).where('business_id', '=', businessId).orderBy('name').execute(),
    getBusinessSettings(ctx.db, businessId),
    sumRewards(ctx, businessId, ['approved'], range.startUtc, range.endUtc),
    sumRewards(ctx, businessId, COMMITTED, startOfStockholmMonthUtc()),
  ]);

  const names = new Map(locations.map((l) => [l.id, l.name]));
  const trend = new Map<string, { date: string; locationId: string; n: number; s: number }>();
  let total = 0;
  let scoreSum = 0;
  const bandCounts = BANDS.map(() => 0);
  for (const row of hours) {
    const bandsOfRow = row as unknown as Record<string, unknown>;
    BANDS.forEach((_b, i) => (bandCounts[i]! += num(bandsOfRow[`b${i}`])));
    const { date } = stockholmHour(row.h);
    const key = `${date}|${row.location_id}`;
    const t = trend.get(key) ?? { date, locationId: row.location_id, n: 0, s: 0 };
    t.n += num(row.n);
    t.s += num(row.s);
    trend.set(key, t);
    total += num(row.n);
    scoreSum += num(row.s);
  }
  const budget = settings.rewards.monthlyBudgetMinor;
  return {
    range: { from: range.from, to: range.to, timeZone: ZONE },
    sessions: num(sessions.n),
    feedbackCount: total,
    averageQuality: avg(scoreSum, total),
    rewardsPaidMinor: paid,
    budget: { monthlyBudgetMinor: budget, committedThisMonthMinor: committed, leftMinor: budget === null ? null : Math.max(0, budget - committed) },
    trend: [...trend.values()]
      .sort((a, b) => a.date.localeCompare(b.date) || a.locationId.localeCompare(b.locationId))
      .map((t) => ({ date: t.date, locationId: t.locationId, locationName: names.get(t.locationId) ?? '', feedbackCount: t.n, averageQuality: avg(t.s, t.n) })),
    qualityDistribution: BANDS.map((b, i) => ({ ...b, count: bandCounts[i] ?? 0 })),
    locations,
  };
}
