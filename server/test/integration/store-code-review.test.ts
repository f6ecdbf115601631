import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, TEST_ADMIN_TOKEN, type TestPlatform } from '../helpers/platform.js';
import { createLocation } from '../helpers/fixtures.js';
import { expectError, newBusiness } from '../helpers/admin-helpers.js';
import { RICH_FEEDBACK_SV, CONSENT } from '../helpers/customer.js';

/**
 * Store-code path, merchant side: the claim waits for the shop's review (CSV export → marked →
 * import, or one decision), and the reward is only booked for a verified claim, on the verified amount.
 */

const HEADER = 'Referens;Butik;Datum;Tid;Belopp;Status;Verifierat belopp;Sista dag';

/** Independent oracle for the default reward rules: tiers 1–3 %, 4–7 %, 8–12 % linear inside the tier, 50 kr minimum, 200 kr cap. */
function expectedReward(score: number, amountMinor: number): number {
  const tiers: [number, number, number, number][] = [[0, 59, 0, 0], [60, 74, 100, 300], [75, 89, 400, 700], [90, 100, 800, 1200]];
  const [min, max, lo, hi] = tiers.find(([a, b]) => score >= a && score <= b)!;
  const bps = lo + Math.floor(((score - min) * (hi - lo)) / (max - min));
  if (amountMinor < 5_000) return 0;
  return Math.min(20_000, Math.floor((amountMinor * bps) / 10_000));
}

const stockholmDate = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const stockholmTime = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

let ipSeq = 0;
let phoneSeq = 0;
const newPhone = () => `070${String(10_000_000 + ++phoneSeq).slice(1)}`;
const e164 = (phone: string) => `+46${phone.slice(1)}`;

interface Claimed {
  sessionId: string;
  claimId: string;
  phone: string;
  purchasedAt: string;
  call(method: string, path: string, body?: unknown): ReturnType<TestPlatform['api']>;
}

async function claim(p: TestPlatform, storeCode: string, amount: string, opts: { phone?: string; minutesAgo?: number } = {}): Promise<Claimed> {
  ipSeq++;
  const headers = { 'x-forwarded-for': `10.30.${Math.floor(ipSeq / 200)}.${(ipSeq % 200) + 1}`, 'x-device-id': `device-rv-${process.pid}-${ipSeq}` };
  const start = await p.api('POST', '/api/v1/feedback-sessions', { storeCode, locale: 'sv', consent: CONSENT }, headers);
  if (start.status !== 201) throw new Error(`session: ${start.status} ${start.text}`);
  const { sessionId, sessionToken } = start.body;
  const call: Claimed['call'] = (method, path, body) => p.api(method, `/api/v1/feedback-sessions/${sessionId}${path}`, body, { ...headers, authorization: `Bearer ${sessionToken}` });
  const phone = opts.phone ?? newPhone();
  const purchasedAt = new Date(Date.now() - (opts.minutesAgo ?? 120) * 60_000).toISOString();
  const res = await call('POST', '/claim', { amount, purchasedAt, phone });
  if (res.status !== 200) throw new Error(`claim: ${res.status} ${res.text}`);
  const row = await p.ctx.db.kysely.selectFrom('store_claims').select('id').where('session_id', '=', sessionId).executeTakeFirstOrThrow();
  return { sessionId, claimId: row.id, phone, purchasedAt, call };
}

/** Gives the feedback in one turn and returns the completed result. */
async function finish(c: Claimed, text = RICH_FEEDBACK_SV) {
  const res = await c.call('POST', '/feedback', { text, finish: true });
  if (res.status !== 200) throw new Error(`feedback: ${res.status} ${res.text}`);
  expect(res.body.status).toBe('completed');
  return res.body;
}

describe.skipIf(backendUnavailable)('store-code claims: merchant review and rewards', () => {
  let p: TestPlatform;
  let bizA: string;
  let locA: { id: string; storeCode: string };
  let bizB: string;
  let locB: { id: string; storeCode: string };
  let score: number;

  const importCsv = (businessId: string, csv: string, contentType = 'text/csv; charset=utf-8') =>
    p.api('POST', `/admin/businesses/${businessId}/store-claims/import`, csv, { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': contentType });
  const claimRow = (id: string) => p.ctx.db.kysely.selectFrom('store_claims').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const rewardOf = (sessionId: string) => p.ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  const ledgerOf = (rewardId: string) => p.ctx.db.kysely.selectFrom('ledger_entries').select(['txn_id', 'account', 'amount_minor', 'kind', 'business_id']).where('reward_id', '=', rewardId).orderBy('amount_minor', 'desc').execute();
  /** The two booking lines of a reward: the business's expense and the customer's payable balance. */
  const booking = (rewardId: string, businessId: string, phone: string, amount: number) => [
    { txn_id: `reward:${rewardId}`, account: `business:${businessId}:rewards_expense`, amount_minor: amount, kind: 'reward', business_id: businessId },
    { txn_id: `reward:${rewardId}`, account: `customer:${p.ctx.services.pii.hash('phone', e164(phone))}:payable`, amount_minor: -amount, kind: 'reward', business_id: businessId },
  ];

  /** export.csv as raw bytes (fetch's text() would swallow the byte-order mark). */
  async function exportRaw(businessId: string) {
    const res = await fetch(`${p.baseUrl}/admin/businesses/${businessId}/store-claims/export.csv`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, bytes, text: bytes.toString('utf8') };
  }

  /** A file as the shop sends it back: the exported header and the given rows. */
  const file = (...rows: string[]) => `\uFEFF${HEADER}\r\n${rows.join('\r\n')}\r\n`;
  const row = (id: string, status: string, verified = '') => `${id};Butik Centrum;2025-01-01;12:00;100,00;${status};${verified};2025-01-15`;

  beforeAll(async () => {
    p = await startTestPlatform({ TRUST_PROXY: 'true', ENABLE_FRAUD_DETECTION: 'false' });
    bizA = (await newBusiness(p, { name: 'Kafé Granskning' })).id;
    // These claims verify up to 200 kr rewards: the operator lets them book without the large-reward review (money-controls tests it).
    expect((await p.admin('PATCH', `/admin/businesses/${bizA}/billing`, { review: { holdRewardAboveMinor: 20_000 } })).status).toBe(200);
    locA = (await createLocation(p, bizA)) as any;
    bizB = (await newBusiness(p, { name: 'Bageri Annat' })).id;
    locB = (await createLocation(p, bizB)) as any;
    // The score the embedded scorer gives the standard feedback: the oracle's input.
    const probe = await claim(p, locB.storeCode, '60');
    score = (await finish(probe)).qualityScore;
  });
  afterAll(async () => p?.stop());

  it('the standard feedback earns a reward (score ≥ 60), so every amount below is meaningful', () => {
    expect(score).toBeGreaterThanOrEqual(60);
    expect(expectedReward(score, 24_500)).toBeGreaterThan(0);
  });

  it('feedback on a pending claim: reward awaiting_verification, nothing booked; the payout number is the claim\'s', async () => {
    const c = await claim(p, locA.storeCode, '245,00');
    const result = await finish(c);
    expect(result.qualityScore).toBe(score);
    expect(result.reward).toMatchObject({ amountMinor: expectedReward(score, 24_500), currency: 'SEK', status: 'awaiting_verification' });
    expect(result.payoutRegistered).toBe(true);
    const reward = (await rewardOf(c.sessionId))!;
    expect(reward).toMatchObject({ status: 'awaiting_verification', amount_minor: expectedReward(score, 24_500), business_id: bizA, phone_hash: p.ctx.services.pii.hash('phone', e164(c.phone)), transaction_id: null });
    expect(await ledgerOf(reward.id)).toEqual([]);

    // The customer cannot redirect a store-code reward to another number; the same number changes nothing.
    expectError(await c.call('POST', '/payout', { phone: newPhone() }), 409, 'conflict');
    const same = await c.call('POST', '/payout', { phone: c.phone });
    expect(same.status, same.text).toBe(200);
    expect(same.body.reward).toEqual({ amountMinor: expectedReward(score, 24_500), currency: 'SEK', status: 'awaiting_verification' });
    expect(await ledgerOf(reward.id)).toEqual([]);
    const resumed = await c.call('GET', '');
    expect(resumed.body.result.reward.status).toBe('awaiting_verification');
  });

  it('GET /admin/businesses/:id/store-claims lists the claims of that business only', async () => {
    const c = await claim(p, locA.storeCode, '312,50', { minutesAgo: 30 });
    const list = await p.admin('GET', `/admin/businesses/${bizA}/store-claims`);
    expect(list.status, list.text).toBe(200);
    const stored = await claimRow(c.claimId);
    expect(list.body.items.find((i: any) => i.id === c.claimId)).toEqual({
      id: c.claimId,
      locationId: locA.id,
      amountMinor: 31_250,
      purchasedAt: c.purchasedAt,
      status: 'pending',
      verifiedAmountMinor: null,
      deadlineAt: stored.deadline_at,
      decidedAt: null,
      decidedBy: null,
      remindersSent: 0,
    });
    expect(list.body.items.every((i: any) => i.locationId === locA.id)).toBe(true);
    const other = await p.admin('GET', `/admin/businesses/${bizB}/store-claims`);
    expect(other.body.items.map((i: any) => i.id)).not.toContain(c.claimId);
    const verified = await p.admin('GET', `/admin/businesses/${bizA}/store-claims?status=verified`);
    expect(verified.body.items.map((i: any) => i.id)).not.toContain(c.claimId);
    expectError(await p.admin('GET', `/admin/businesses/${bizA}/store-claims?status=maybe`), 400, 'validation_failed');
    expectError(await p.admin('GET', `/admin/businesses/${crypto.randomUUID()}/store-claims`), 404, 'not_found');
    expectError(await p.api('GET', `/admin/businesses/${bizA}/store-claims`), 401, 'unauthorized');
  });

  it('export.csv: BOM, ";" separators, CRLF, the Swedish header and one row per pending claim in Stockholm time', async () => {
    const biz = (await newBusiness(p, { name: 'Kafé Export' })).id;
    const loc = (await createLocation(p, biz)) as any;
    const c1 = await claim(p, loc.storeCode, '245', { minutesAgo: 125 });
    const c2 = await claim(p, loc.storeCode, '1234,05', { minutesAgo: 61 });
    const decided = await claim(p, loc.storeCode, '99,90', { minutesAgo: 10 });
    expect((await p.admin('POST', `/admin/businesses/${biz}/store-claims/${decided.claimId}/decision`, { status: 'rejected' })).status).toBe(200);

    const res = await exportRaw(biz);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="kvittra-verifiering.csv"');
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.text.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    const rowOf = (c: Claimed, amount: string) => {
      const at = new Date(c.purchasedAt);
      return [c.claimId, 'Butik Centrum', stockholmDate(at), stockholmTime(at), amount, '', '', ''];
    };
    const [d1, d2] = [await claimRow(c1.claimId), await claimRow(c2.claimId)];
    const expected1 = rowOf(c1, '245,00');
    expected1[7] = stockholmDate(new Date(d1.deadline_at));
    const expected2 = rowOf(c2, '1234,05');
    expected2[7] = stockholmDate(new Date(d2.deadline_at));
    // Sorted by deadline: c1 was claimed first.
    expect(lines.slice(0, -1)).toEqual([HEADER, expected1.join(';'), expected2.join(';')]);
    expect(res.text).not.toContain(decided.claimId);
    expect(res.text).not.toContain('\n\n');
  });

  it('importing the exported file with Status "verifierad" verifies the claim and books the reward on the claimed amount', async () => {
    const biz = (await newBusiness(p, { name: 'Kafé Import' })).id;
    const loc = (await createLocation(p, biz)) as any;
    const c = await claim(p, loc.storeCode, '245,00');
    const untouched = await claim(p, loc.storeCode, '180,00');
    const result = await finish(c);
    expect(result.reward.status).toBe('awaiting_verification');

    const exported = (await exportRaw(biz)).text;
    const marked = exported.replace(`${c.claimId};`, '§').replace(/§([^\r\n]*)/, (_m, rest: string) => {
      const cells = `${c.claimId};${rest}`.split(';');
      cells[5] = 'verifierad';
      return cells.join(';');
    });
    expect(marked).not.toBe(exported);
    const res = await importCsv(biz, marked);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ verified: 1, rejected: 0, unchanged: 1, errors: [] });

    const stored = await claimRow(c.claimId);
    expect(stored).toMatchObject({ status: 'verified', verified_amount_minor: 24_500, decided_by: 'admin-token' });
    expect(stored.decided_at).not.toBeNull();
    expect((await claimRow(untouched.claimId)).status).toBe('pending');
    const reward = (await rewardOf(c.sessionId))!;
    expect(reward).toMatchObject({ status: 'approved', amount_minor: expectedReward(score, 24_500) });
    expect(await ledgerOf(reward.id)).toEqual(booking(reward.id, biz, c.phone, expectedReward(score, 24_500)));
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select(['action', 'actor', 'target_type']).where('target_id', '=', c.claimId).execute();
    expect(audit).toEqual([{ action: 'store_claim.verified', actor: 'admin-token', target_type: 'store_claim' }]);
    // The customer sees the booked reward.
    const resumed = await c.call('GET', '');
    expect(resumed.body.result.reward).toMatchObject({ status: 'approved', amountMinor: expectedReward(score, 24_500) });
    // The verified claim leaves the export.
    expect((await exportRaw(biz)).text).not.toContain(c.claimId);
  });

  it('Verifierat belopp within 0,50 kr: verified, and the reward is recomputed on the verified amount', async () => {
    const lo = await claim(p, locA.storeCode, '1000,00');
    const hi = await claim(p, locA.storeCode, '2000,00');
    await finish(lo);
    await finish(hi);
    expect((await rewardOf(lo.sessionId))!.amount_minor).toBe(expectedReward(score, 100_000));
    // The amounts are chosen so that the reward on the verified amount differs from the claimed one.
    expect(expectedReward(score, 99_950)).toBeLessThan(expectedReward(score, 100_000));
    const res = await importCsv(bizA, file(row(lo.claimId, 'Verifierad', '999,50'), row(hi.claimId, 'verifierad', '2000.5')));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ verified: 2, rejected: 0, unchanged: 0, errors: [] });
    expect(await claimRow(lo.claimId)).toMatchObject({ status: 'verified', verified_amount_minor: 99_950 });
    expect(await claimRow(hi.claimId)).toMatchObject({ status: 'verified', verified_amount_minor: 200_050 });
    for (const [c, amount] of [[lo, 99_950], [hi, 200_050]] as const) {
      const reward = (await rewardOf(c.sessionId))!;
      expect(reward.status).toBe('approved');
      expect(reward.amount_minor).toBe(expectedReward(score, amount));
      expect(await ledgerOf(reward.id)).toEqual(booking(reward.id, bizA, c.phone, expectedReward(score, amount)));
    }
  });

  it('a verified amount more than 0,50 kr off counts as not found: rejected, nothing booked', async () => {
    const under = await claim(p, locA.storeCode, '500,00');
    const over = await claim(p, locA.storeCode, '400,00');
    await finish(under);
    await finish(over);
    const res = await importCsv(bizA, file(row(under.claimId, 'verifierad', '499,49'), row(over.claimId, 'verifierad', '400,51')));
    expect(res.body).toEqual({ verified: 0, rejected: 2, unchanged: 0, errors: [] });
    for (const c of [under, over]) {
      expect(await claimRow(c.claimId)).toMatchObject({ status: 'rejected', verified_amount_minor: null, decided_by: 'admin-token' });
      const reward = (await rewardOf(c.sessionId))!;
      expect(reward.status).toBe('rejected');
      expect(await ledgerOf(reward.id)).toEqual([]);
    }
  });

  it('"avvisad" rejects the claim and its reward', async () => {
    const c = await claim(p, locA.storeCode, '275,00');
    await finish(c);
    const res = await importCsv(bizA, file(row(c.claimId, 'AVVISAD')));
    expect(res.body).toEqual({ verified: 0, rejected: 1, unchanged: 0, errors: [] });
    expect(await claimRow(c.claimId)).toMatchObject({ status: 'rejected', verified_amount_minor: null });
    const reward = (await rewardOf(c.sessionId))!;
    expect(reward.status).toBe('rejected');
    expect(await ledgerOf(reward.id)).toEqual([]);
    expect((await c.call('GET', '')).body.result.reward.status).toBe('rejected');
  });

  it('unknown status word, unreadable amount, unknown id and another business\'s claim are reported with their line numbers and not applied', async () => {
    const a1 = await claim(p, locA.storeCode, '150,00');
    const a2 = await claim(p, locA.storeCode, '160,00');
    const foreign = await claim(p, locB.storeCode, '170,00');
    const good = await claim(p, locA.storeCode, '180,00');
    await finish(foreign);
    const unknownId = crypto.randomUUID();
    const res = await importCsv(bizA, file(row(a1.claimId, 'kanske'), row(a2.claimId, 'verifierad', 'tjugo'), row(unknownId, 'verifierad'), row(foreign.claimId, 'verifierad'), row(good.claimId, ''), row(good.claimId.toUpperCase(), 'avvisad')));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      verified: 0,
      rejected: 0,
      unchanged: 1,
      errors: [
        { line: 2, message: 'Unknown status "kanske" (use verifierad or avvisad)' },
        { line: 3, message: 'Unreadable amount "tjugo"' },
        { line: 4, message: 'Claim not found.' },
        { line: 5, message: 'Claim not found.' },
        { line: 7, message: 'Claim not found.' },
      ],
    });
    for (const c of [a1, a2, foreign, good]) expect(await claimRow(c.claimId)).toMatchObject({ status: 'pending', decided_by: null, decided_at: null, verified_amount_minor: null });
    expect((await rewardOf(foreign.sessionId))!.status).toBe('awaiting_verification');
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select('id').where('target_id', 'in', [a1.claimId, a2.claimId, foreign.claimId, good.claimId]).execute();
    expect(audit).toEqual([]);
    // The foreign claim is also invisible through the single-decision endpoint.
    expectError(await p.admin('POST', `/admin/businesses/${bizA}/store-claims/${foreign.claimId}/decision`, { status: 'verified' }), 404, 'not_found');
    expect((await claimRow(foreign.claimId)).status).toBe('pending');
  });

  it('line numbers are those of the file, blank lines included', async () => {
    const c = await claim(p, locA.storeCode, '190,00');
    const csv = `\uFEFF${HEADER}\r\n\r\n${row(crypto.randomUUID(), 'verifierad')}\r\n;;;;;;;\r\n\r\n${row(c.claimId, 'kanske')}\r\n`;
    const res = await importCsv(bizA, csv);
    expect(res.body.errors).toEqual([
      { line: 3, message: 'Claim not found.' },
      { line: 6, message: 'Unknown status "kanske" (use verifierad or avvisad)' },
    ]);
  });

  it('the file is read whatever the spreadsheet did to it: quoted cells, comma separators, LF line ends, text/plain', async () => {
    const c1 = await claim(p, locA.storeCode, '210,00');
    const c2 = await claim(p, locA.storeCode, '220,00');
    const c3 = await claim(p, locA.storeCode, '230,00');
    const quoted = `${HEADER}\n"${c1.claimId}";"Butik; Centrum";2025-01-01;12:00;"210,00";"verifierad";"210,20";2025-01-15\n`;
    expect((await importCsv(bizA, quoted, 'text/csv')).body).toEqual({ verified: 1, rejected: 0, unchanged: 0, errors: [] });
    expect(await claimRow(c1.claimId)).toMatchObject({ status: 'verified', verified_amount_minor: 21_020 });
    const commas = `Referens,Butik,Datum,Tid,Belopp,Status,Verifierat belopp,Sista dag\r\n${c2.claimId},Butik Centrum,2025-01-01,12:00,"220,00",verifierad,"219,80",2025-01-15\r\n`;
    expect((await importCsv(bizA, commas, 'text/plain')).body).toEqual({ verified: 1, rejected: 0, unchanged: 0, errors: [] });
    expect(await claimRow(c2.claimId)).toMatchObject({ status: 'verified', verified_amount_minor: 21_980 });
    const reordered = `status;referens\r\nnej;${c3.claimId}\r\n`;
    expect((await importCsv(bizA, reordered)).body).toEqual({ verified: 0, rejected: 1, unchanged: 0, errors: [] });
    expect((await claimRow(c3.claimId)).status).toBe('rejected');
  });

  it('a quote inside a cell is a character; a quote left open is reported at its line and nothing after it is applied', async () => {
    const c1 = await claim(p, locA.storeCode, '240,00');
    const c2 = await claim(p, locA.storeCode, '250,00');
    const c3 = await claim(p, locA.storeCode, '260,00');
    const csv = file(
      `${c1.claimId};Kafé "Hörnet";2025-01-01;12:00;240,00;verifierad;;2025-01-15`,
      `${c2.claimId};Butik;2025-01-01;12:00;250,00;"verifierad;;2025-01-15`,
      row(c3.claimId, 'verifierad'),
    );
    const res = await importCsv(bizA, csv);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ verified: 1, rejected: 0, unchanged: 0, errors: [{ line: 3, message: 'A quote (") opened here is never closed; this line and the rest of the file were not read' }] });
    expect((await claimRow(c1.claimId)).status).toBe('verified');
    expect((await claimRow(c2.claimId)).status).toBe('pending');
    expect((await claimRow(c3.claimId)).status).toBe('pending');
  });

  it('a file without the Referens/Status columns is 400; a non-CSV body is refused', async () => {
    expectError(await importCsv(bizA, 'Datum;Belopp\r\n2025-01-01;100\r\n'), 400, 'validation_failed');
    expectError(await importCsv(bizA, ''), 400, 'validation_failed');
    const json = await p.admin('POST', `/admin/businesses/${bizA}/store-claims/import`, { rows: [] });
    expect(json.status).toBe(415);
    expectError(await importCsv(crypto.randomUUID(), file(row(crypto.randomUUID(), 'verifierad'))), 404, 'not_found');
  });

  it('deciding twice is 409 (decision endpoint and import alike)', async () => {
    const c = await claim(p, locA.storeCode, '320,00');
    await finish(c);
    const first = await p.admin('POST', `/admin/businesses/${bizA}/store-claims/${c.claimId}/decision`, { status: 'verified', verifiedAmount: '320,30' });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ status: 'verified' });
    const reward = (await rewardOf(c.sessionId))!;
    expect(reward).toMatchObject({ status: 'approved', amount_minor: expectedReward(score, 32_030) });
    const ledger = await ledgerOf(reward.id);
    expect(ledger).toEqual(booking(reward.id, bizA, c.phone, expectedReward(score, 32_030)));

    expectError(await p.admin('POST', `/admin/businesses/${bizA}/store-claims/${c.claimId}/decision`, { status: 'rejected' }), 409, 'conflict');
    expectError(await p.admin('POST', `/admin/businesses/${bizA}/store-claims/${c.claimId}/decision`, { status: 'verified' }), 409, 'conflict');
    const again = await importCsv(bizA, file(row(c.claimId, 'avvisad')));
    expect(again.body).toEqual({ verified: 0, rejected: 0, unchanged: 0, errors: [{ line: 2, message: 'Claim already verified.' }] });
    expect(await claimRow(c.claimId)).toMatchObject({ status: 'verified', verified_amount_minor: 32_030 });
    expect((await rewardOf(c.sessionId))!.status).toBe('approved');
    expect(await ledgerOf(reward.id)).toEqual(ledger);

    // Two decisions racing: exactly one wins, the reward is booked once.
    const r = await claim(p, locA.storeCode, '330,00');
    await finish(r);
    const race = await Promise.all([0, 1, 2].map(() => p.admin('POST', `/admin/businesses/${bizA}/store-claims/${r.claimId}/decision`, { status: 'verified' })));
    expect(race.map((x) => x.status).sort()).toEqual([200, 409, 409]);
    const raced = (await rewardOf(r.sessionId))!;
    expect(await ledgerOf(raced.id)).toEqual(booking(raced.id, bizA, r.phone, expectedReward(score, 33_000)));
  });

  it('decision endpoint validation: unreadable verifiedAmount 400 invalid_amount, unknown status 400, unknown claim 404', async () => {
    const c = await claim(p, locA.storeCode, '340,00');
    expectError(await p.admin('POST', `/admin/businesses/${bizA}/store-claims/${c.claimId}/decision`, { status: 'verified', verifiedAmount: 'trehundra' }), 400, 'invalid_amount');
    expectError(await p.admin('POST', `/admin/businesses/${bizA}/store-claims/${c.claimId}/decision`, { status: 'approved' }), 400, 'validation_failed');
    expectError(await p.admin('POST', `/admin/businesses/${bizA}/store-claims/${crypto.randomUUID()}/decision`, { status: 'verified' }), 404, 'not_found');
    expect((await claimRow(c.claimId)).status).toBe('pending');
  });

  it('a claim decided before the feedback: verified → the reward is booked at finish on the verified amount; rejected → rejected', async () => {
    const v = await claim(p, locA.storeCode, '350,00');
    const r = await claim(p, locA.storeCode, '360,00');
    expect((await p.admin('POST', `/admin/businesses/${bizA}/store-claims/${v.claimId}/decision`, { status: 'verified', verifiedAmount: '349,60' })).status).toBe(200);
    expect((await p.admin('POST', `/admin/businesses/${bizA}/store-claims/${r.claimId}/decision`, { status: 'rejected' })).status).toBe(200);
    const vr = await finish(v);
    expect(vr.reward).toMatchObject({ status: 'approved', amountMinor: expectedReward(score, 34_960) });
    const vReward = (await rewardOf(v.sessionId))!;
    expect(await ledgerOf(vReward.id)).toEqual(booking(vReward.id, bizA, v.phone, expectedReward(score, 34_960)));
    const rr = await finish(r);
    expect(rr.reward.status).toBe('rejected');
    expect(await ledgerOf((await rewardOf(r.sessionId))!.id)).toEqual([]);
  });

  it('verification does not count the reward against the budget it already reserved', async () => {
    const biz = (await newBusiness(p, { name: 'Kafé Budget' })).id;
    const loc = (await createLocation(p, biz)) as any;
    const c = await claim(p, loc.storeCode, '800,00');
    await finish(c);
    const reserved = expectedReward(score, 80_000);
    expect((await rewardOf(c.sessionId))!.amount_minor).toBe(reserved);
    // A daily budget and a per-customer cap that this one reward fits in, with 1 kr to spare.
    const patch = await p.admin('PATCH', `/admin/businesses/${biz}/settings`, { rewards: { dailyBudgetMinor: reserved + 100, perCustomerDailyCapMinor: reserved + 100 } });
    expect(patch.status, patch.text).toBe(200);
    expect((await p.admin('POST', `/admin/businesses/${biz}/store-claims/${c.claimId}/decision`, { status: 'verified' })).status).toBe(200);
    const reward = (await rewardOf(c.sessionId))!;
    expect(reward).toMatchObject({ status: 'approved', amount_minor: reserved });
    expect(await ledgerOf(reward.id)).toEqual(booking(reward.id, biz, c.phone, reserved));
  });
});
