import { DateTime } from 'luxon';

const ZONE = 'Europe/Stockholm';
/** A local "HH:MM" later than this far ahead of now is taken to mean yesterday (just after midnight). */
const FUTURE_SLACK_MINUTES = 30;

/**
 * A purchase time as a customer gives it: an ISO 8601 instant with offset, or a local wall-clock
 * "HH:MM" (also "HH.MM") meaning today in Europe/Stockholm. Returns null for anything else.
 */
export function parsePurchaseTime(input: string, now: Date = new Date()): Date | null {
  const trimmed = input.trim();
  const hm = /^(\d{1,2})[:.](\d{2})$/.exec(trimmed);
  if (hm) {
    const hour = Number(hm[1]);
    const minute = Number(hm[2]);
    if (hour > 23 || minute > 59) return null;
    const today = DateTime.fromJSDate(now, { zone: ZONE });
    let local = today.set({ hour, minute, second: 0, millisecond: 0 });
    if (local.toMillis() > now.getTime() + FUTURE_SLACK_MINUTES * 60_000) local = local.minus({ days: 1 });
    return local.isValid ? local.toJSDate() : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(trimmed)) return null;
  const parsed = DateTime.fromISO(trimmed, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : null;
}
