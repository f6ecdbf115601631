import Holidays from 'date-holidays';

/**
 * Swedish holiday calendar backed by date-holidays.
 *
 * Only `public` and `bank` entries are non-working days. `bank` covers the
 * "aftnar" Swedes take off in practice (midsommarafton, julafton, nyårsafton).
 * `observance` (påskafton, pingstafton, Mors dag…) and `optional` half-days
 * (valborgsmässoafton, trettondagsafton…) are listed but count as normal days.
 */

export type SwedishHolidayType = 'public' | 'bank' | 'optional' | 'observance';

export interface SwedishHoliday {
  /** Local calendar date in Europe/Stockholm, YYYY-MM-DD. */
  readonly date: string;
  /** Swedish name, e.g. "midsommarafton". Same-rank collisions are joined with " / ". */
  readonly name: string;
  readonly type: SwedishHolidayType;
}

const NON_WORKING_TYPES: ReadonlySet<SwedishHolidayType> = new Set(['public', 'bank']);

/** Higher rank wins when two entries fall on the same date (e.g. pingstdagen + Mors dag). */
const TYPE_RANK: Readonly<Record<SwedishHolidayType, number>> = {
  public: 3,
  bank: 2,
  optional: 1,
  observance: 0,
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// One instance for the process: constructing it parses the whole SE rule set.
// Language and zone are pinned so results never depend on the host locale/TZ.
const calendar = new Holidays('SE', { languages: 'sv', timezone: 'Europe/Stockholm' });

const cacheByYear = new Map<number, readonly SwedishHoliday[]>();

function isKnownType(type: string): type is SwedishHolidayType {
  return Object.hasOwn(TYPE_RANK, type);
}

/** Keeps the more significant entry; equal ranks (första maj + Kristi himmelsfärd 2008) merge names. */
function mergeSameDay(a: SwedishHoliday, b: SwedishHoliday): SwedishHoliday {
  const rankA = TYPE_RANK[a.type];
  const rankB = TYPE_RANK[b.type];
  if (rankA !== rankB) return rankA > rankB ? a : b;
  return { date: a.date, type: a.type, name: `${a.name} / ${b.name}` };
}

function loadYear(year: number): readonly SwedishHoliday[] {
  const byDate = new Map<string, SwedishHoliday>();
  for (const raw of calendar.getHolidays(year)) {
    if (!isKnownType(raw.type)) continue;
    // `raw.date` is "YYYY-MM-DD hh:mm:ss" in Stockholm time; half-days start at 12:00.
    const entry: SwedishHoliday = { date: raw.date.slice(0, 10), name: raw.name, type: raw.type };
    const existing = byDate.get(entry.date);
    byDate.set(entry.date, existing ? mergeSameDay(existing, entry) : entry);
  }
  const sorted = [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
  return Object.freeze(sorted.map((h) => Object.freeze(h)));
}

/** All Swedish holidays/observances of a year, one entry per date, sorted, cached. */
export function getSwedishHolidays(year: number): readonly SwedishHoliday[] {
  if (!Number.isInteger(year)) throw new RangeError(`Invalid year: ${year}`);
  let holidays = cacheByYear.get(year);
  if (!holidays) {
    holidays = loadYear(year);
    cacheByYear.set(year, holidays);
  }
  return holidays;
}

function yearOf(localDate: string): number {
  const match = ISO_DATE.exec(localDate);
  if (!match) throw new RangeError(`Expected a YYYY-MM-DD date, got "${localDate}"`);
  return Number(match[1]);
}

/** Any calendar entry on the date, including observances and optional half-days. */
export function calendarEntryOn(localDate: string): SwedishHoliday | null {
  return getSwedishHolidays(yearOf(localDate)).find((h) => h.date === localDate) ?? null;
}

/** The non-working (public or bank) holiday on a local date, or null. */
export function holidayOn(localDate: string): SwedishHoliday | null {
  const entry = calendarEntryOn(localDate);
  return entry && NON_WORKING_TYPES.has(entry.type) ? entry : null;
}

/** True when the local date is a public or bank holiday. Weekends alone are not "non-working" here. */
export function isNonWorkingDay(localDate: string): boolean {
  return holidayOn(localDate) !== null;
}
