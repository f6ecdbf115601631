/**
 * Money helpers. Every amount is an integer number of öre (1 SEK = 100 öre) and every rate is an
 * integer number of basis points (1 % = 100 bps): floating point never touches money.
 */

/** Öre per krona. */
export const ORE_PER_SEK = 100;
/** Basis points in 100 %. */
export const BPS_DENOMINATOR = 10_000;

// Largest krona part parseSekAmount accepts: 9 digits keeps öre far inside the safe-integer range
// even after multiplying by a rate in bps (999 999 999,99 kr · 10 000 < 2^53).
const MAX_PARSE_KRONOR_DIGITS = 9;

function assertSafeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

/**
 * Integer division a / b rounded half away from zero (so 0,5 öre rounds up for positive amounts and a
 * negative amount rounds to the mirror image of its positive counterpart). b must be positive.
 */
export function roundHalfUpDiv(a: number, b: number): number {
  return mulDivHalfUp(a, 1, b);
}

function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`result ${value} is outside the safe-integer range`);
  return n;
}

/** floor(a · b / c) for non-negative integers, exact even when a · b exceeds 2^53. */
export function mulDivFloor(a: number, b: number, c: number): number {
  assertSafeInteger(a, 'a');
  assertSafeInteger(b, 'b');
  assertSafeInteger(c, 'c');
  if (a < 0 || b < 0 || c <= 0) throw new RangeError('mulDivFloor needs a, b ≥ 0 and c > 0');
  return toSafeNumber((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** roundHalfUp(a · b / c) (half away from zero), exact; c must be positive. */
export function mulDivHalfUp(a: number, b: number, c: number): number {
  assertSafeInteger(a, 'a');
  assertSafeInteger(b, 'b');
  assertSafeInteger(c, 'c');
  if (c <= 0) throw new RangeError(`divisor must be positive, got ${c}`);
  const product = BigInt(a) * BigInt(b);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const big = BigInt(c);
  const rounded = (abs * 2n + big) / (big * 2n);
  return toSafeNumber(negative ? -rounded : rounded);
}

/** Groups the digits of a non-negative integer string in threes with `separator`. */
function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

function splitMinor(minor: number): { negative: boolean; kronor: string; ore: string } {
  assertSafeInteger(minor, 'amount');
  const abs = Math.abs(minor);
  return {
    negative: minor < 0,
    kronor: String(Math.floor(abs / ORE_PER_SEK)),
    ore: String(abs % ORE_PER_SEK).padStart(2, '0'),
  };
}

/** Swedish display: 123450 → "1 234,50 kr", -5 → "-0,05 kr". Plain spaces group thousands. */
export function formatSekSv(minor: number): string {
  const { negative, kronor, ore } = splitMinor(minor);
  return `${negative ? '-' : ''}${groupThousands(kronor, ' ')},${ore} kr`;
}

/** English display: 123450 → "SEK 1,234.50", -5 → "SEK -0.05". */
export function formatSekEn(minor: number): string {
  const { negative, kronor, ore } = splitMinor(minor);
  return `SEK ${negative ? '-' : ''}${groupThousands(kronor, ',')}.${ore}`;
}

/**
 * Machine-friendly amount without grouping or currency, for CSV cells: 12345 → "123,45" (Swedish
 * Excel reads a comma decimal as a number; a thousands separator would turn it into text).
 */
export function formatMinorPlain(minor: number, decimalSeparator: ',' | '.' = ','): string {
  const { negative, kronor, ore } = splitMinor(minor);
  return `${negative ? '-' : ''}${kronor}${decimalSeparator}${ore}`;
}

/** Rate display: 678 bps → "6,78 %" (sv) / "6.78%" (en); trailing zero decimals are dropped. */
export function formatBps(bps: number, locale: 'sv' | 'en'): string {
  assertSafeInteger(bps, 'bps');
  const abs = Math.abs(bps);
  const whole = String(Math.floor(abs / 100));
  const fraction = String(abs % 100).padStart(2, '0').replace(/0+$/, '');
  const sep = locale === 'sv' ? ',' : '.';
  const number = `${bps < 0 ? '-' : ''}${whole}${fraction ? sep + fraction : ''}`;
  return locale === 'sv' ? `${number} %` : `${number}%`;
}

// Krona part without leading zeros (except "0"), then optionally "," or "." and one or two digits.
// [0-9] rather than \d so no other script's digits slip through.
const SEK_AMOUNT = new RegExp(`^(0|[1-9][0-9]{0,${MAX_PARSE_KRONOR_DIGITS - 1}})(?:[.,]([0-9]{1,2}))?$`);

/**
 * Parses what a customer types as an amount in SEK to öre: "123", "123,5", "123.50" → 12350.
 * Surrounding whitespace is ignored; everything else is rejected with null: signs, thousands
 * separators, exponents, inner whitespace, more than two decimals, a bare or trailing separator,
 * leading zeros ("007") and amounts of a billion kronor or more.
 */
export function parseSekAmount(input: string): number | null {
  if (typeof input !== 'string') return null;
  const match = SEK_AMOUNT.exec(input.trim());
  if (!match) return null;
  const kronor = Number(match[1]);
  const ore = Number((match[2] ?? '').padEnd(2, '0'));
  return kronor * ORE_PER_SEK + ore;
}
