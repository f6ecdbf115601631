import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, TEST_ADMIN_TOKEN, type TestPlatform } from '../helpers/platform.js';
import { setupConnection } from '../helpers/fixtures.js';
import { CONSENT, locationQr, RICH_FEEDBACK_SV } from '../helpers/customer.js';
import { MemoryMailSender } from '../../src/mail/mail-sender.js';
import { sweepStoreClaims } from '../../src/feedback/store-review-service.js';
import { XLSX_CONTENT_TYPE } from '../../src/feedback/store-review-xlsx.js';

/**
 * Store-code review as an Excel workbook (item 16): export with a Status drop-down, the shop marks it
 * and imports the .xlsx back (±0,50 kr tolerance on the verified amount); reminder mails 7/3/1 days
 * before the deadline go to the business's contact address once each, and are recorded.
 */

const DAY = 86_400_000;
let seq = 0;

describe.skipIf(backendUnavailable)('store-code review: XLSX and reminder mails', () => {
  let p: TestPlatform;
  let businessId: string;
  let storeCode: string;
  let mail: MemoryMailSender;

  beforeAll(async () => {
    p = await startTestPlatform({ TRUST_PROXY: 'true', ENABLE_FRAUD_DETECTION: 'false' });
    mail = new MemoryMailSender();
    p.ctx.services.mail = mail;
    const c = await setupConnection(p, 'square');
    businessId = c.businessId;
    ({ storeCode } = await locationQr(p, c));
  });
  afterAll(async () => p?.stop());

  async function claim(amount: string) {
    seq++;
    const headers = { 'x-forwarded-for': `10.50.0.${seq}`, 'x-device-id': `device-xl-${process.pid}-${seq}` };
    const start = await p.api('POST', '/api/v1/feedback-sessions', { storeCode, consent: CONSENT }, headers);
    expect(start.status, start.text).toBe(201);
    const auth = { ...headers, authorization: `Bearer ${start.body.sessionToken}` };
    const res = await p.api('POST', `/api/v1/feedback-sessions/${start.body.sessionId}/claim`, { amount, purchasedAt: new Date(Date.now() - 90 * 60_000).toISOString(), phone: `0731${String(100_000 + seq).slice(1)}0` }, auth);
    expect(res.status, res.text).toBe(200);
    const fb = await p.api('POST', `/api/v1/feedback-sessions/${start.body.sessionId}/feedback`, { text: RICH_FEEDBACK_SV, finish: true }, auth);
    expect(fb.status, fb.text).toBe(200);
    const row = await p.ctx.db.kysely.selectFrom('store_claims').selectAll().where('session_id', '=', start.body.sessionId).executeTakeFirstOrThrow();
    return { claimId: row.id, deadline: Date.parse(row.deadline_at) };
  }

  const download = async () => {
    const res = await fetch(`${p.baseUrl}/admin/businesses/${businessId}/store-claims/export.xlsx`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX_CONTENT_TYPE);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    return wb;
  };
  const upload = async (wb: ExcelJS.Workbook | Buffer) => {
    const body = Buffer.isBuffer(wb) ? wb : Buffer.from(await wb.xlsx.writeBuffer());
    const res = await fetch(`${p.baseUrl}/admin/businesses/${businessId}/store-claims/import`, { method: 'POST', body: new Uint8Array(body), headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': XLSX_CONTENT_TYPE } });
    return { status: res.status, body: await res.json() };
  };

  it('exports the same columns with a Status drop-down and imports the marked workbook with ±0,50 kr tolerance', async () => {
    const a = await claim('123,50');
    const b = await claim('200,00');
    const d = await claim('80,00');
    const e = await claim('99,00');
    const wb = await download();
    const ws = wb.getWorksheet('Verifiering')!;
    expect(ws.getRow(1).values).toEqual([undefined, 'Referens', 'Butik', 'Datum', 'Tid', 'Belopp', 'Status', 'Verifierat belopp', 'Sista dag']);
    const rowOf = (id: string) => [2, 3, 4, 5].find((r) => ws.getCell(r, 1).value === id)!;
    expect(ws.getCell(rowOf(a.claimId), 5).value).toBe(123.5);
    expect(ws.getCell(rowOf(a.claimId), 6).dataValidation).toMatchObject({ type: 'list', formulae: ['"verifierad,avvisad"'] });

    ws.getCell(rowOf(a.claimId), 6).value = 'verifierad';
    ws.getCell(rowOf(a.claimId), 7).value = 123.9; // 0,40 kr off: within tolerance
    ws.getCell(rowOf(b.claimId), 6).value = 'verifierad';
    ws.getCell(rowOf(b.claimId), 7).value = 200.51; // 0,51 kr off: counts as not found
    ws.getCell(rowOf(d.claimId), 6).value = 'avvisad';
    ws.getCell(rowOf(e.claimId), 6).value = 'kanske';
    const res = await upload(wb);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ verified: 1, rejected: 2, unchanged: 0 });
    expect(res.body.errors).toEqual([{ line: rowOf(e.claimId), message: expect.stringContaining('kanske') }]);
    const rows = await p.ctx.db.kysely.selectFrom('store_claims').select(['id', 'status', 'verified_amount_minor']).where('business_id', '=', businessId).execute();
    const status = new Map(rows.map((r) => [r.id, r]));
    expect(status.get(a.claimId)).toMatchObject({ status: 'verified', verified_amount_minor: 12_390 });
    expect(status.get(b.claimId)!.status).toBe('rejected');
    expect(status.get(d.claimId)!.status).toBe('rejected');
    expect(status.get(e.claimId)!.status).toBe('pending');

    // Only the still-pending claim is exported again; garbage is a 400, not a 500.
    expect((await download()).getWorksheet('Verifiering')!.rowCount).toBe(2);
    const garbage = await upload(Buffer.from('PK\u0003\u0004 not really a workbook'));
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('validation_failed');
  });

  it('mails reminders 7, 3 and 1 days before the deadline to the contact address, each once, and records them', async () => {
    const c1 = await claim('150,00');
    const business = await p.admin('GET', `/admin/businesses/${businessId}`);
    mail.sent.length = 0;
    const sweep = (at: number) => sweepStoreClaims(p.ctx, new Date(at));
    expect((await sweep(c1.deadline - 8 * DAY)).reminded).toBe(0);
    expect(mail.sent).toHaveLength(0);
    const first = await sweep(c1.deadline - 7 * DAY);
    expect(first.reminded).toBeGreaterThanOrEqual(1);
    expect(mail.sent).toHaveLength(1);
    expect(mail.sent[0]).toMatchObject({ to: business.body.email, subject: expect.stringContaining('granskning') });
    expect(mail.sent[0]!.text).toContain(`/admin/businesses/${businessId}/store-claims`);
    expect((await sweep(c1.deadline - 7 * DAY)).reminded).toBe(0);
    expect(mail.sent).toHaveLength(1);
    await sweep(c1.deadline - 2.5 * DAY);
    await sweep(c1.deadline - 2 * DAY);
    await sweep(c1.deadline - 0.5 * DAY);
    await sweep(c1.deadline - 0.4 * DAY);
    expect(mail.sent).toHaveLength(3);
    const recorded = await p.ctx.db.kysely.selectFrom('store_review_reminders').select(['days_before', 'sent_to']).where('claim_id', '=', c1.claimId).orderBy('days_before', 'desc').execute();
    expect(recorded).toEqual([7, 3, 1].map((d) => ({ days_before: d, sent_to: business.body.email })));
  });

  it('a failed mail is withdrawn and retried by the next sweep', async () => {
    const c2 = await claim('175,00');
    const failing = { kind: 'memory' as const, send: async () => { throw new Error('smtp down'); } };
    p.ctx.services.mail = failing;
    try {
      expect((await sweepStoreClaims(p.ctx, new Date(c2.deadline - 6 * DAY))).reminded).toBe(0);
    } finally {
      p.ctx.services.mail = mail;
    }
    expect(await p.ctx.db.kysely.selectFrom('store_review_reminders').select('id').where('claim_id', '=', c2.claimId).execute()).toHaveLength(0);
    mail.sent.length = 0;
    expect((await sweepStoreClaims(p.ctx, new Date(c2.deadline - 6 * DAY))).reminded).toBeGreaterThanOrEqual(1);
    expect(mail.sent).toHaveLength(1);
  });
});
