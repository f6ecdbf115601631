import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backendUnavailable, startTestPlatform, TEST_ADMIN_TOKEN, type TestPlatform } from '../helpers/platform.js';
import { createLocation } from '../helpers/fixtures.js';
import { expectEnvelope, newBusiness } from '../helpers/admin-helpers.js';
import { RICH_FEEDBACK_SV, CONSENT } from '../helpers/customer.js';

/**
 * Property: whatever CSV-ish text reaches POST …/store-claims/import, the answer is never a 500, a
 * claim of another business never changes, and the summary matches what actually changed.
 */

const NUM_RUNS = 150;
const COLUMNS = ['Referens', 'Butik', 'Datum', 'Tid', 'Belopp', 'Status', 'Verifierat belopp', 'Sista dag'];

describe.skipIf(backendUnavailable)('store-claims import never fails on hostile files', () => {
  let p: TestPlatform;
  let bizA: string;
  let bizB: string;
  const aIds: string[] = [];
  const bIds: string[] = [];
  let seq = 0;

  async function claim(storeCode: string, amount: string, feedback: boolean): Promise<string> {
    seq++;
    const headers = { 'x-forwarded-for': `10.50.0.${seq}`, 'x-device-id': `device-fz-${process.pid}-${seq}` };
    const start = await p.api('POST', '/api/v1/feedback-sessions', { storeCode, consent: CONSENT }, headers);
    if (start.status !== 201) throw new Error(start.text);
    const auth = { ...headers, authorization: `Bearer ${start.body.sessionToken}` };
    const phone = `0760${String(100_000 + seq).slice(1)}1`;
    const res = await p.api('POST', `/api/v1/feedback-sessions/${start.body.sessionId}/claim`, { amount, purchasedAt: new Date(Date.now() - 30 * 60_000).toISOString(), phone }, auth);
    if (res.status !== 200) throw new Error(res.text);
    if (feedback) {
      const fb = await p.api('POST', `/api/v1/feedback-sessions/${start.body.sessionId}/feedback`, { text: RICH_FEEDBACK_SV, finish: true }, auth);
      if (fb.status !== 200) throw new Error(fb.text);
    }
    return (await p.ctx.db.kysely.selectFrom('store_claims').select('id').where('session_id', '=', start.body.sessionId).executeTakeFirstOrThrow()).id;
  }

  /** Everything the import could touch for one business: its claims, rewards and ledger lines. */
  async function snapshot(businessId: string) {
    const claims = await p.ctx.db.kysely.selectFrom('store_claims').selectAll().where('business_id', '=', businessId).orderBy('id').execute();
    const rewards = await p.ctx.db.kysely.selectFrom('rewards').select(['id', 'status', 'amount_minor', 'updated_at']).where('business_id', '=', businessId).orderBy('id').execute();
    const ledger = await p.ctx.db.kysely.selectFrom('ledger_entries').select(['id', 'amount_minor']).where('business_id', '=', businessId).orderBy('id').execute();
    return { claims, rewards, ledger };
  }

  beforeAll(async () => {
    p = await startTestPlatform({ TRUST_PROXY: 'true', ENABLE_FRAUD_DETECTION: 'false' });
    bizA = (await newBusiness(p, { name: 'Kafé Fuzz' })).id;
    bizB = (await newBusiness(p, { name: 'Kafé Granne' })).id;
    const locA = (await createLocation(p, bizA)) as any;
    const locB = (await createLocation(p, bizB)) as any;
    for (let i = 0; i < 12; i++) aIds.push(await claim(locA.storeCode, `${100 + i},00`, i % 2 === 0));
    for (let i = 0; i < 6; i++) bIds.push(await claim(locB.storeCode, `${200 + i},00`, i % 2 === 0));
  });
  afterAll(async () => p?.stop());

  it('random CSV-ish text: never 500, other businesses untouched, summary = what changed', async () => {
    const junk = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.constantFrom('', ' ', '\u0000', '"', '""', '";"', '\r', '=HYPERLINK("x")', "'; drop table store_claims; --", '\ud800', 'x'.repeat(300)));
    const id = fc.oneof(fc.constantFrom(...aIds), fc.constantFrom(...bIds), fc.constantFrom(...bIds.map((i) => i.toUpperCase()), ...bIds.map((i) => ` ${i} `)), fc.uuid(), junk);
    const status = fc.oneof(fc.constantFrom('verifierad', 'Verifierad', 'AVVISAD', 'avvisad', 'ja', 'nej', 'ok', 'no', 'ej hittad', 'godkänd', ' verified ', ''), junk);
    const amount = fc.oneof(fc.constantFrom('', '100', '100,00', '100,50', '99,49', '1e3', '-5', '1 000', '0', '999999999,99', '1000000000', '100,00 kr'), junk);
    const header = fc.oneof(
      { weight: 4, arbitrary: fc.constant(COLUMNS) },
      { weight: 2, arbitrary: fc.shuffledSubarray(COLUMNS, { minLength: 1 }).chain((cols) => fc.tuple(...cols.map((c) => fc.constantFrom(c, c.toUpperCase(), ` ${c.toLowerCase()} `)))) },
      { weight: 1, arbitrary: fc.array(junk, { maxLength: 6 }) },
    );
    const row = fc.record({ id, status, amount, other: junk, quote: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), extra: fc.array(junk, { maxLength: 2 }) });
    const quote = (v: string, q: boolean) => (q ? `"${v.replace(/"/g, '""')}"` : v);
    const structured = fc.record({ bom: fc.boolean(), header, rows: fc.array(row, { maxLength: 8 }), sep: fc.constantFrom(';', ';', ',', '\t', '|'), eol: fc.constantFrom('\r\n', '\n', '\r', '\r\n\r\n'), tail: junk }).map(({ bom, header, rows, sep, eol, tail }) => {
      const lines = [header.join(sep)];
      for (const r of rows) {
        const cells = header.map((h, i) => {
          const name = h.trim().toLowerCase();
          const v = name === 'referens' ? r.id : name === 'status' ? r.status : name === 'verifierat belopp' ? r.amount : r.other;
          return quote(v, r.quote[i % 8]!);
        });
        lines.push([...cells, ...r.extra].join(sep));
      }
      return `${bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}${tail}`;
    });
    const text = fc.oneof({ weight: 5, arbitrary: structured }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) }, { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(';', ',', '"', '\r', '\n', 'a', 'verifierad', aIds[0]!, bIds[0]!), maxLength: 40 }) });
    const contentType = fc.constantFrom('text/csv', 'text/csv; charset=utf-8', 'text/plain');

    await fc.assert(
      fc.asyncProperty(text, contentType, async (csv, ct) => {
        const [beforeA, beforeB] = [await snapshot(bizA), await snapshot(bizB)];
        const res = await p.api('POST', `/admin/businesses/${bizA}/store-claims/import`, csv, { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': ct });
        const [afterA, afterB] = [await snapshot(bizA), await snapshot(bizB)];
        const where = `${JSON.stringify(csv.slice(0, 300))} → ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, where).toBeLessThan(500);
        expect(afterB, where).toEqual(beforeB);
        if (res.status !== 200) {
          expectEnvelope(res);
          expect(afterA, where).toEqual(beforeA);
          return;
        }
        expect(Object.keys(res.body).sort(), where).toEqual(['errors', 'rejected', 'unchanged', 'verified']);
        const lineCount = csv.split(/\r\n|\r|\n/).length;
        for (const e of res.body.errors) {
          expect(Number.isInteger(e.line) && e.line >= 2 && e.line <= lineCount, where).toBe(true);
          expect(typeof e.message, where).toBe('string');
        }
        const was = new Map(beforeA.claims.map((c) => [c.id, c]));
        const changed = afterA.claims.filter((c) => c.status !== was.get(c.id)!.status);
        for (const c of changed) {
          expect(was.get(c.id)!.status, where).toBe('pending');
          expect(c.decided_by, where).toBe('admin-token');
        }
        expect(changed.filter((c) => c.status === 'verified').length, where).toBe(res.body.verified);
        expect(changed.filter((c) => c.status === 'rejected').length, where).toBe(res.body.rejected);
        // Claims nobody decided kept every field.
        const unchanged = afterA.claims.filter((c) => !changed.includes(c));
        for (const c of unchanged) expect(c, where).toEqual(was.get(c.id));
      }),
      { numRuns: NUM_RUNS },
    );
    // The property had something to protect: the neighbour's claims are all still pending.
    expect((await snapshot(bizB)).claims.map((c) => c.status)).toEqual(bIds.map(() => 'pending'));
  });
});
