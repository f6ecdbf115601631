/**
 * CSV for Swedish Excel: UTF-8 with a byte-order mark (so å/ä/ö survive), ';' between fields
 * (',' is the decimal separator there) and CRLF line ends.
 */

export const CSV_BOM = '\uFEFF';
export const CSV_SEPARATOR = ';';

// A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** Quotes a cell when needed and defuses formula-looking text; amounts are passed as plain strings. */
export function csvCell(value: string, opts: { numeric?: boolean } = {}): string {
  // Numeric cells ("-12,50") are produced by our own formatter and must stay numbers.
  const safe = !opts.numeric && FORMULA_START.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvDocument(rows: string[][]): string {
  return CSV_BOM + rows.map((row) => row.join(CSV_SEPARATOR)).join('\r\n') + '\r\n';
}
