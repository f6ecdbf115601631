import type ExcelJS from 'exceljs';
import type { AppContext } from '../http/context.js';
import type { Actor } from '../audit/audit-log.js';
import { AppError } from '../core/errors.js';
import { REVIEW_COLUMNS, REVIEW_DECISIONS, importClaimRecords, pendingReviewRows } from './store-review-service.js';

/**
 * The review file as an Excel workbook (exceljs): the same columns as the CSV, amounts as real numbers
 * with two decimals, and a drop-down (data validation list) on Status so the shop picks "verifierad"
 * or "avvisad" instead of typing. Cells are written as values, never formulas (no injection).
 */

// exceljs is large and only needed when a spreadsheet is exchanged: load it then, not at start-up.
async function excel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SHEET = 'Verifiering';
const STATUS_COL = REVIEW_COLUMNS.indexOf('Status') + 1;
const VERIFIED_COL = REVIEW_COLUMNS.indexOf('Verifierat belopp') + 1;

export async function exportClaimsXlsx(ctx: AppContext, businessId: string): Promise<Buffer> {
  const rows = await pendingReviewRows(ctx, businessId);
  const wb = new (await excel()).Workbook();
  wb.creator = 'Kvittra';
  const ws = wb.addWorksheet(SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = REVIEW_COLUMNS.map((header) => ({ header, width: header === 'Referens' ? 40 : 16 }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow([r.id, r.location, r.date, r.time, r.amountMinor / 100, '', null, r.deadline]);
  for (let i = 2; i <= rows.length + 1; i++) {
    ws.getCell(i, 5).numFmt = '0.00';
    ws.getCell(i, VERIFIED_COL).numFmt = '0.00';
    ws.getCell(i, STATUS_COL).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [`"${REVIEW_DECISIONS.join(',')}"`],
      showErrorMessage: true,
      errorTitle: 'Status',
      error: `Välj ${REVIEW_DECISIONS.join(' eller ')} (eller lämna tomt).`,
    };
    ws.getCell(i, VERIFIED_COL).dataValidation = { type: 'decimal', operator: 'greaterThan', allowBlank: true, formulae: [0], showErrorMessage: true, error: 'Ange beloppet i kronor, t.ex. 123,50.' };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A cell as the text the shop sees: numbers with two decimals (amounts), formula results, rich text joined. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  // Whole öre print with two decimals (123.5 → "123.50"); anything finer stays as typed and fails as an amount.
  if (typeof value === 'number') return Math.abs(value * 100 - Math.round(value * 100)) < 1e-6 ? value.toFixed(2) : String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
  }
  return '';
}

/** Reads the first worksheet of a marked workbook into the same records the CSV import uses. */
export async function readReviewWorkbook(body: Buffer): Promise<{ line: number; cells: string[] }[]> {
  const wb = new (await excel()).Workbook();
  try {
    await wb.xlsx.load(body as unknown as ArrayBuffer);
  } catch {
    throw new AppError('validation_failed', 'The file is not a readable .xlsx workbook.');
  }
  const ws = wb.getWorksheet(SHEET) ?? wb.worksheets[0];
  if (!ws) throw new AppError('validation_failed', 'The workbook has no worksheet.');
  const records: { line: number; cells: string[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(row.cellCount, REVIEW_COLUMNS.length); c++) cells.push(cellText(row.getCell(c).value).trim());
    records.push({ line: rowNumber, cells });
  });
  return records;
}

export async function importClaimsXlsx(ctx: AppContext, businessId: string, body: Buffer, who: Actor) {
  return importClaimRecords(ctx, businessId, await readReviewWorkbook(body), who);
}
