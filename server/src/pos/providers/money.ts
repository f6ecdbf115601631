import { DateTime } from 'luxon';

/**
 * ISO 4217 currencies whose minor unit is not 1/100. Kept as an explicit table
 * (not Intl) because CLDR differs from ISO for some (e.g. HUF: CLDR 0, ISO 2).
 */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Upper-cased ISO 4217 code, or null when it isn't three letters. */
export function normaliseCurrency(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : null;
}

/** Number of minor-unit digits for a currency (2 unless ISO says otherwise). */
export function minorUnitDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2;
}

export interface DecimalOptions {
  /** Digits after the point that make up one major unit. Default 2. */
  fractionDigits?: number;
  allowNegative?: boolean;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * "199.65" → 19965 using string arithmetic only: binary floats can't represent
 * most decimal fractions, so never multiply by 100. Returns null for anything
 * that isn't a plain decimal (exponents, "+1", ".5", "1.", whitespace, NaN…),
 * for more fraction digits than the currency has (unless they're zeros), and
 * for results outside the safe integer range.
 */
export function parseMajorToMinor(value: string, options: DecimalOptions = {}): number | null {
  const digits = options.fractionDigits ?? 2;
  if (typeof value !== 'string') return null;
  const match = DECIMAL.exec(value);
  if (!match) return null;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (fraction.length > digits && /[^0]/.test(fraction.slice(digits))) return null;
  const minorText = (whole + fraction.slice(0, digits).padEnd(digits, '0')).replace(/^0+(?=\d)/, '');
  const magnitude = BigInt(minorText);
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  if (sign === '-' && magnitude !== 0n && options.allowNegative !== true) return null;
  const result = Number(magnitude);
  return sign === '-' && result !== 0 ? -result : result;
}

/** Inverse of parseMajorToMinor (used by tests and for display/debugging). */
export function formatMinorAsMajor(minor: number, fractionDigits = 2): string {
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(fractionDigits + 1, '0');
  const whole = text.slice(0, text.length - fractionDigits);
  const fraction = fractionDigits > 0 ? `.${text.slice(text.length - fractionDigits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

// Date, 'T', time, optional fraction, then a mandatory offset: without one the
// instant depends on the server's zone, so refuse rather than guess.
const ISO_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Any ISO 8601 instant with an offset ("-05:00", Zettle's "+0000", "Z",
 * nanosecond fractions) → `YYYY-MM-DDTHH:mm:ss.SSSZ` in UTC, or null.
 */
export function normaliseTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value)) return null;
  const fast = fastNormalise(value);
  if (fast !== undefined) return fast;
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) return null;
  return toIsoMillis(parsed.toMillis());
}

// The common shapes (seconds, ≤ 3 fraction digits, "Z", "±hh:mm" or Zettle's "±hhmm") are read without
// luxon, whose general parser cost 5 % of the webhook receipt path.
const SIMPLE_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?(?:Z|([+-])(\d{2}):?(\d{2}))$/i;

/**
 * Reads the wall-clock fields as UTC, checks they read back unchanged (so an impossible date — Feb 30,
 * 24:30, a leap second — is refused as luxon refuses it rather than rolled over), then applies the offset.
 * undefined: not a common shape, use the general parser.
 */
function fastNormalise(value: string): string | null | undefined {
  const m = SIMPLE_ISO.exec(value);
  if (!m) return undefined;
  const wall = m[1]!.toUpperCase();
  const wallMs = Date.parse(`${wall}Z`);
  if (Number.isNaN(wallMs) || new Date(wallMs).toISOString().slice(0, 19) !== wall) return null;
  const fractionMs = m[2] ? Number(m[2].slice(1).padEnd(3, '0')) : 0;
  const offsetMin = m[3] ? (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5])) : 0;
  return toIsoMillis(wallMs + fractionMs - offsetMin * 60_000);
}

/** Epoch milliseconds (Zettle's payload `timestamp`) → normalised ISO, or null. */
export function epochMillisToIso(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return null;
  return toIsoMillis(value);
}

function toIsoMillis(ms: number): string | null {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  // Years outside 0000–9999 serialise as "+010000-…", which breaks the fixed format.
  return /^\d{4}-/.test(iso) ? iso : null;
}
