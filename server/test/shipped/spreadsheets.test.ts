/**
 * The store-review spreadsheet through the built server: exceljs is external (bundle-config.mjs) and
 * imported on the first export or import, so only the shipped server proves it resolves. The export is
 * parsed here with exceljs as a spreadsheet program would open it, marked, and imported back over HTTP.
 *
 * @covers exceljs
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';
import { PROCESS_ADMIN_TOKEN } from '../helpers/process-server.js';
import { pendingStoreClaim, storeCodeBusiness } from '../helpers/store-claims.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const admin = { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}` };

async function exportWorkbook(p: ServedPlatform, businessId: string): Promise<ExcelJS.Workbook> {
  const res = await fetch(`${p.baseUrl}/admin/businesses/${businessId}/store-claims/export.xlsx`, { headers: admin });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe(XLSX);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return wb;
}

async function importWorkbook(p: ServedPlatform, businessId: string, body: Buffer): Promise<{ status: number; body: any }> {
  const res = await fetch(`${p.baseUrl}/admin/businesses/${businessId}/store-claims/import`, { method: 'POST', body: new Uint8Array(body), headers: { ...admin, 'content-type': XLSX } });
  return { status: res.status, body: await res.json() };
}

/** The worksheet row (1-based) whose Referens cell is `claimId`. */
function rowOf(ws: ExcelJS.Worksheet, claimId: string): number {
  for (let r = 2; r <= ws.rowCount; r++) if (ws.getCell(r, 1).value === claimId) return r;
  throw new Error(`claim ${claimId} is not in the exported workbook`);
}

describe('store-review spreadsheet through the built server (exceljs)', () => {
  let p: ServedPlatform;
  let businessId: string;
  let storeCode: string;

  beforeAll(async () => {
    p = await startServedPlatform({ ENABLE_FRAUD_DETECTION: 'false' }, 'spreadsheet server');
    ({ businessId, storeCode } = await storeCodeBusiness(p, { name: 'Kafé Kalkyl' }));
  });
  afterAll(async () => p?.stop());

  it('exports a workbook of the pending claims and applies the rows of the marked workbook', async () => {
    const verified = await pendingStoreClaim(p, storeCode, '123,50');
    const rejected = await pendingStoreClaim(p, storeCode, '80,00');
    const untouched = await pendingStoreClaim(p, storeCode, '99,00');

    const wb = await exportWorkbook(p, businessId);
    const ws = wb.getWorksheet('Verifiering')!;
    expect(ws.getRow(1).values).toEqual([undefined, 'Referens', 'Butik', 'Datum', 'Tid', 'Belopp', 'Status', 'Verifierat belopp', 'Sista dag']);
    expect(ws.rowCount).toBe(4);
    expect(ws.getCell(rowOf(ws, verified), 5).value).toBe(123.5);
    expect(ws.getCell(rowOf(ws, verified), 6).dataValidation).toMatchObject({ type: 'list', formulae: ['"verifierad,avvisad"'] });

    ws.getCell(rowOf(ws, verified), 6).value = 'verifierad';
    ws.getCell(rowOf(ws, verified), 7).value = 123.9; // 0,40 kr off: within the tolerance
    ws.getCell(rowOf(ws, rejected), 6).value = 'avvisad';
    const res = await importWorkbook(p, businessId, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ verified: 1, rejected: 1, errors: [] });

    const rows = await p.ctx.db.kysely.selectFrom('store_claims').select(['id', 'status', 'verified_amount_minor']).where('business_id', '=', businessId).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(verified)).toMatchObject({ status: 'verified', verified_amount_minor: 12_390 });
    expect(byId.get(rejected)!.status).toBe('rejected');
    expect(byId.get(untouched)!.status).toBe('pending');

    // Only the still-pending claim is exported again.
    const again = (await exportWorkbook(p, businessId)).getWorksheet('Verifiering')!;
    expect(again.rowCount).toBe(2);
    expect(again.getCell(2, 1).value).toBe(untouched);
  });

  it('answers a file that is not a workbook with 400 validation_failed, not a 500', async () => {
    const res = await importWorkbook(p, businessId, Buffer.from('PK\u0003\u0004 not really a workbook'));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});
