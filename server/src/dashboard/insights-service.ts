import { sql } from 'kysely';
import type { AppContext } from '../http/context.js';
import { releasedFeedback, SENTIMENT_THRESHOLD } from './released.js';
import { ZONE, stockholmHour, type DayRange } from './time-range.js';
import { topTopics } from './topics.js';

/** How many of the newest feedbacks in the range feed the topic counts (bounded work on huge ranges). */
const TOPIC_SAMPLE = 1000;
const num = (v: unknown) => Number(v ?? 0);

function parseCategories(raw: string | null): string[] {
  if (!raw) return [];
  try {
    const value = JSON.parse(raw) as unknown;
    return Array.isArray(value) ? value.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Categories and sentiment per Stockholm day, the weekday × hour heatmap and recurring topics. One grouped
 * query (UTC hour × category set) feeds the first three; topics come from the newest customer texts.
 */
export async function insights(ctx: AppContext, businessId: string, range: DayRange, locationId?: string) {
  const grouped = await releasedFeedback(ctx.db, businessId, range, { locationId })
    .select([
      sql<string>`substr(fs.scored_at, 1, 13)`.as('h'),
      'fs.categories',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`sum(case when fs.sentiment >= ${SENTIMENT_THRESHOLD} then 1 else 0 end)`.as('pos'),
      sql<number>`sum(case when fs.sentiment <= ${-SENTIMENT_THRESHOLD} then 1 else 0 end)`.as('neg'),
      sql<number>`count(fs.sentiment)`.as('withSentiment'),
      sql<number>`coalesce(sum(fs.sentiment), 0)`.as('sentimentSum'),
    ])
    .groupBy([sql`substr(fs.scored_at, 1, 13)`, 'fs.categories'])
    .execute();

  const categories = new Map<string, { date: string; category: string; count: number }>();
  const sentiment = new Map<string, { date: string; positive: number; neutral: number; negative: number; sum: number; n: number }>();
  const heat = new Map<string, { weekday: number; hour: number; count: number }>();
  for (const row of grouped) {
    const { date, weekday, hour } = stockholmHour(row.h);
    const n = num(row.n);
    for (const category of parseCategories(row.categories)) {
      const key = `${date}|${category}`;
      const c = categories.get(key) ?? { date, category, count: 0 };
      c.count += n;
      categories.set(key, c);
    }
    const s = sentiment.get(date) ?? { date, positive: 0, neutral: 0, negative: 0, sum: 0, n: 0 };
    s.positive += num(row.pos);
    s.negative += num(row.neg);
    s.neutral += num(row.withSentiment) - num(row.pos) - num(row.neg);
    s.sum += num(row.sentimentSum);
    s.n += num(row.withSentiment);
    sentiment.set(date, s);
    const hk = `${weekday}|${hour}`;
    const h = heat.get(hk) ?? { weekday, hour, count: 0 };
    h.count += n;
    heat.set(hk, h);
  }

  const sample = await releasedFeedback(ctx.db, businessId, range, { locationId }).select('fs.id').orderBy('fs.scored_at', 'desc').limit(TOPIC_SAMPLE).execute();
  const texts = sample.length ? await ctx.db.kysely.selectFrom('feedback_turns').select(['session_id', 'text']).where('session_id', 'in', sample.map((s) => s.id)).where('role', '=', 'customer').execute() : [];

  return {
    range: { from: range.from, to: range.to, timeZone: ZONE },
    categories: [...categories.values()].sort((a, b) => a.date.localeCompare(b.date) || b.count - a.count),
    sentiment: [...sentiment.values()].sort((a, b) => a.date.localeCompare(b.date)).map((s) => ({ date: s.date, positive: s.positive, neutral: s.neutral, negative: s.negative, average: s.n > 0 ? Math.round((s.sum / s.n) * 100) / 100 : null })),
    topTopics: topTopics(texts),
    heatmap: [...heat.values()].sort((a, b) => a.weekday - b.weekday || a.hour - b.hour),
  };
}
