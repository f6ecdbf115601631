import { DateTime } from 'luxon';

const ZONE = 'Europe/Stockholm';

/** How close to Stockholm midnight awayFromStockholmBoundary() waits it out; a test calling it needs a timeout above this. */
export const BOUNDARY_MARGIN_MS = 90_000;

/**
 * Resolves at once, unless the next Stockholm midnight (a day's and maybe a month's start) is under
 * `marginMs` away: then just after it. Budgets, caps and statements use Stockholm startOf('day'/'month'),
 * so a test that writes rows and then checks them against those windows must not straddle one.
 */
export async function awayFromStockholmBoundary(marginMs = BOUNDARY_MARGIN_MS): Promise<void> {
  const now = DateTime.now().setZone(ZONE);
  const untilMidnight = now.plus({ days: 1 }).startOf('day').toMillis() - now.toMillis();
  if (untilMidnight < marginMs) await new Promise((r) => setTimeout(r, untilMidnight + 1_000));
}

/** The Stockholm month ('yyyy-MM') of an instant (a stored created_at), or of now. */
export function stockholmMonth(at: string | Date = new Date()): string {
  const dt = typeof at === 'string' ? DateTime.fromISO(at) : DateTime.fromJSDate(at);
  return dt.setZone(ZONE).toFormat('yyyy-MM');
}
