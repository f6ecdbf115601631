import { DateTime } from 'luxon';
import { calendarEntryOn, holidayOn } from './holidays.js';

/**
 * Business-time classification for Swedish operations.
 *
 * All rules are about the wall clock in Europe/Stockholm, so every instant is
 * converted with luxon first; DST days (23 h / 25 h) then need no special cases.
 *
 *   weekday  business 09:00–18:00, extended 18:00–22:00, otherwise off
 *   weekend  business 10:00–16:00, extended 18:00–22:00, otherwise off
 *   holiday  (public/bank) off-hours all day
 *   peak     11:00–15:00, only while in business hours
 * Intervals are half-open: 18:00 is already extended, 22:00 already off.
 */

export const STOCKHOLM_ZONE = 'Europe/Stockholm';

export const TIME_CONTEXTS = ['business_hours', 'extended_hours', 'off_hours'] as const;
export type TimeContext = (typeof TIME_CONTEXTS)[number];

export const BUSINESS_TYPES = ['weekday', 'weekend', 'holiday'] as const;
export type BusinessType = (typeof BUSINESS_TYPES)[number];

export interface BusinessContext {
  /** The instant, ISO 8601 UTC. */
  at: string;
  /** Same instant as Stockholm wall-clock time with offset, e.g. 2026-03-29T03:30:00.000+02:00. */
  localTime: string;
  localDate: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  timeContext: TimeContext;
  businessType: BusinessType;
  isBusinessTime: boolean;
  /** Name of the non-working holiday, or null. */
  holidayName: string | null;
  /** Name of an observance/optional day (påskafton, valborgsmässoafton…) that is still a normal day. */
  observance: string | null;
  isPeakHours: boolean;
  nextBusinessDay: string;
  /** 09:00 Stockholm time on nextBusinessDay, ISO 8601 UTC. */
  nextBusinessDayStart: string;
  utcOffsetMinutes: number;
  isDst: boolean;
}

interface Window {
  readonly from: number; // minutes after local midnight, inclusive
  readonly to: number; // exclusive
}

const hours = (from: number, to: number): Window => ({ from: from * 60, to: to * 60 });

const BUSINESS_WINDOWS: Readonly<Record<'weekday' | 'weekend', Window>> = {
  weekday: hours(9, 18),
  weekend: hours(10, 16),
};
const EXTENDED_WINDOW = hours(18, 22);
const PEAK_WINDOW = hours(11, 15);
const BUSINESS_DAY_START_HOUR = 9;
/** Longest Swedish run of non-business days is ~5 (Easter, Christmas); this is only a loop guard. */
const MAX_DAYS_TO_SCAN = 31;

function inWindow(minuteOfDay: number, window: Window): boolean {
  return minuteOfDay >= window.from && minuteOfDay < window.to;
}

function toUtcIso(dt: DateTime): string {
  return dt.toUTC().toJSDate().toISOString();
}

function requireIso(value: string | null, what: string): string {
  if (value === null) throw new RangeError(`Could not format ${what}`);
  return value;
}

function toStockholm(at: Date): DateTime {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new RangeError('getBusinessContext expects a valid Date');
  }
  return DateTime.fromJSDate(at, { zone: STOCKHOLM_ZONE });
}

function isWeekend(isoWeekday: number): boolean {
  return isoWeekday >= 6;
}

/** Weekday that is not a public/bank holiday, i.e. a day the office opens at 09:00. */
export function isBusinessDay(localDate: string): boolean {
  const day = DateTime.fromISO(localDate, { zone: 'utc' });
  if (!day.isValid) throw new RangeError(`Expected a YYYY-MM-DD date, got "${localDate}"`);
  return !isWeekend(day.weekday) && holidayOn(localDate) === null;
}

/** First business day strictly after the given local date. */
export function nextBusinessDayAfter(localDate: string): string {
  // Pure calendar arithmetic in UTC: no DST gaps can shift the date.
  let day = DateTime.fromISO(localDate, { zone: 'utc' });
  if (!day.isValid) throw new RangeError(`Expected a YYYY-MM-DD date, got "${localDate}"`);
  for (let i = 0; i < MAX_DAYS_TO_SCAN; i++) {
    day = day.plus({ days: 1 });
    const candidate = requireIso(day.toISODate(), 'date');
    if (isBusinessDay(candidate)) return candidate;
  }
  throw new Error(`No business day within ${MAX_DAYS_TO_SCAN} days after ${localDate}`);
}

/** 09:00 Stockholm time on the given date as an ISO UTC instant (09:00 never falls in a DST gap). */
export function businessDayStartUtc(localDate: string): string {
  const start = DateTime.fromISO(localDate, { zone: STOCKHOLM_ZONE }).set({ hour: BUSINESS_DAY_START_HOUR });
  return toUtcIso(start);
}

export function classifyBusinessType(isoWeekday: number, isHoliday: boolean): BusinessType {
  if (isHoliday) return 'holiday';
  return isWeekend(isoWeekday) ? 'weekend' : 'weekday';
}

export function classifyTimeContext(businessType: BusinessType, minuteOfDay: number): TimeContext {
  if (businessType === 'holiday') return 'off_hours';
  if (inWindow(minuteOfDay, BUSINESS_WINDOWS[businessType])) return 'business_hours';
  if (inWindow(minuteOfDay, EXTENDED_WINDOW)) return 'extended_hours';
  return 'off_hours';
}

/** Describes the Swedish business situation at an instant. Throws RangeError for an invalid Date. */
export function getBusinessContext(at: Date): BusinessContext {
  const local = toStockholm(at);
  const localDate = requireIso(local.toISODate(), 'local date');
  const holiday = holidayOn(localDate);
  const entry = calendarEntryOn(localDate);
  const minuteOfDay = local.hour * 60 + local.minute;
  const businessType = classifyBusinessType(local.weekday, holiday !== null);
  const timeContext = classifyTimeContext(businessType, minuteOfDay);
  const isBusinessTime = timeContext === 'business_hours';
  const nextBusinessDay = nextBusinessDayAfter(localDate);

  return {
    at: at.toISOString(),
    localTime: requireIso(local.toISO(), 'local time'),
    localDate,
    weekday: local.weekday,
    timeContext,
    businessType,
    isBusinessTime,
    holidayName: holiday?.name ?? null,
    observance: holiday === null && entry !== null ? entry.name : null,
    isPeakHours: isBusinessTime && inWindow(minuteOfDay, PEAK_WINDOW),
    nextBusinessDay,
    nextBusinessDayStart: businessDayStartUtc(nextBusinessDay),
    utcOffsetMinutes: local.offset,
    isDst: local.isInDST,
  };
}
