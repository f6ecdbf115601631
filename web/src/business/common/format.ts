import { i18n } from '../../lib/i18n';

/** Every time on the dashboards is shown in Swedish local time, whatever the viewer's machine says. */
export const TIME_ZONE = 'Europe/Stockholm';

const locale = () => (i18n.language === 'en' ? 'en-GB' : 'sv-SE');

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return '–';
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, dateStyle: 'medium' }).format(d);
}

/** Short day label for chart axes ("12 nov"). */
export function formatDay(iso: string): string {
  const d = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, day: 'numeric', month: 'short' }).format(d);
}

/** Amounts arrive in öre; shown as kronor. */
export function formatMoney(minor: number | null | undefined): string {
  if (minor === null || minor === undefined || Number.isNaN(minor)) return '–';
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'SEK' }).format(minor / 100);
}

export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
}

/** Basis points (100 = 1 %) as a percentage. */
export function formatBps(bps: number): string {
  return `${formatNumber(bps / 100, 2)} %`;
}

/** Today in Stockholm as YYYY-MM-DD (for default date ranges). */
export function stockholmDate(d: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

export function stockholmMonth(d: Date = new Date()): string {
  return stockholmDate(d).slice(0, 7);
}

export function daysAgo(n: number): string {
  return stockholmDate(new Date(Date.now() - n * 86_400_000));
}

/** Whole days and hours until a deadline; negative when passed. */
export function timeUntil(iso: string, now = Date.now()): { days: number; hours: number; passed: boolean } {
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  return { days: Math.floor(abs / 86_400_000), hours: Math.floor((abs % 86_400_000) / 3_600_000), passed: ms < 0 };
}

/** Parses "123,50" / "123.50" kronor into öre; null when not a number. */
export function parseKronor(text: string): number | null {
  const t = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Math.round(Number(t) * 100);
}
