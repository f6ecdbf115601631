/** Input rules and formatting shared by the customer steps (mirrors the server's parsing). */

/** `123.50`, `123,50` and `123` — what the server's amount parser accepts. */
export const AMOUNT_PATTERN = /^\s*\d{1,7}(?:[.,]\d{1,2})?\s*$/;
export const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
export const STORE_CODE_PATTERN = /^\d{6}$/;
export const LAST4_PATTERN = /^\d{4}$/;

/** Loose client check; the server normalises and validates Swedish mobile numbers for real. */
export function looksLikeSwedishMobile(raw: string): boolean {
  const digits = raw.replace(/[\s()-]/g, '');
  return /^(\+467|00467|07)\d{8}$/.test(digits);
}

/** The time now in Stockholm as HH:MM: the server reads a bare HH:MM as Europe/Stockholm time. */
export function stockholmNowHHMM(now = new Date()): string {
  const parts = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

export function formatSek(amountMinor: number, lang: string): string {
  return new Intl.NumberFormat(lang === 'en' ? 'en-SE' : 'sv-SE', { style: 'currency', currency: 'SEK' }).format(amountMinor / 100);
}

export function formatDateTime(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
}
