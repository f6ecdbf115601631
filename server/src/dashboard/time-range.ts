import { DateTime } from 'luxon';
import { z } from 'zod';
import { AppError } from '../core/errors.js';

export const ZONE = 'Europe/Stockholm';
export const MAX_RANGE_DAYS = 366;
const ZDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const ZRangeQuery = z.object({ from: ZDate.optional(), to: ZDate.optional(), locationId: z.uuid().optional() });

export interface DayRange {
  from: string; // YYYY-MM-DD, Stockholm
  to: string; // inclusive
  startUtc: string; // ISO, inclusive
  endUtc: string; // ISO, exclusive
}

/** Stockholm calendar days [from, to] as a UTC half-open interval; default: the last 30 days including today. */
export function dayRange(q: { from?: string; to?: string }, now = new Date()): DayRange {
  const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  const to = q.to ? DateTime.fromISO(q.to, { zone: ZONE }) : today;
  const from = q.from ? DateTime.fromISO(q.from, { zone: ZONE }) : to.minus({ days: 29 });
  if (!from.isValid || !to.isValid) throw new AppError('validation_failed', 'from and to must be dates (YYYY-MM-DD).');
  if (from > to) throw new AppError('validation_failed', 'from must not be after to.');
  if (to.diff(from, 'days').days >= MAX_RANGE_DAYS) throw new AppError('validation_failed', `At most ${MAX_RANGE_DAYS} days at a time.`);
  return { from: from.toISODate()!, to: to.toISODate()!, startUtc: from.startOf('day').toUTC().toISO()!, endUtc: to.plus({ days: 1 }).startOf('day').toUTC().toISO()! };
}

/**
 * A UTC hour bucket (`YYYY-MM-DDTHH`, the first 13 characters of a stored ISO time) in Stockholm time.
 * Stockholm's offset is always whole hours, so grouping by UTC hour in SQL (same on SQLite and PostgreSQL)
 * and converting here gives exact Stockholm days, weekdays and hours.
 */
export function stockholmHour(utcHour: string): { date: string; weekday: number; hour: number } {
  const t = DateTime.fromISO(`${utcHour}:00:00Z`, { zone: 'utc' }).setZone(ZONE);
  return { date: t.toISODate()!, weekday: t.weekday, hour: t.hour };
}

export function startOfStockholmMonthUtc(now = new Date()): string {
  return DateTime.fromJSDate(now, { zone: ZONE }).startOf('month').toUTC().toISO()!;
}
