import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;

interface Reason {
  code: string;
  evidence?: { similarity?: number; matches?: number };
}

/**
 * Near copies (one word changed) are found through LSH candidates and the candidates' stored signatures, which
 * the fraud service keeps in a per-process cache once read: the third copy is compared with both earlier ones.
 */
describe.skipIf(backendUnavailable)(`fraud: near-duplicate feedback (${backend})`, () => {
  let p: TestPlatform;
  let c: ConnectionSetup;
  let qrToken: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    c = await setupConnection(p, 'square');
    qrToken = (await locationQr(p, c)).qrToken;
  });
  afterAll(async () => p?.stop());

  async function reasons(amountMinor: number, text: string): Promise<Reason[]> {
    const sale = await ingestSale(p, c, amountMinor, 5);
    const s = await startSession(p, { qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text, finish: true });
    expect(fb.status, fb.text).toBe(200);
    const row = await p.ctx.db.kysely.selectFrom('feedback_sessions').select('risk_details').where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    return (JSON.parse(row.risk_details!) as { reasons: Reason[] }).reasons;
  }

  const near = (rs: Reason[]) => rs.find((r) => r.code === 'near_duplicate_text');

  it('counts every earlier near copy, whether its signature was read from the database or the cache', async () => {
    expect(near(await reasons(24_500, RICH_FEEDBACK_SV))).toBeUndefined();
    const first = near(await reasons(19_900, RICH_FEEDBACK_SV.replace('cappuccino', 'latte')));
    expect(first?.evidence).toMatchObject({ matches: 1 });
    expect(first!.evidence!.similarity!).toBeGreaterThanOrEqual(0.8);
    const second = near(await reasons(21_100, RICH_FEEDBACK_SV.replace('tio minuter', 'en kvart')));
    expect(second?.evidence).toMatchObject({ matches: 2 });
  });

  it('an unrelated text has no near copy', async () => {
    const other = 'Fisken var färsk och såsen smakrik, men pommesen var kalla och servitören glömde vår beställning av dricka två gånger under kvällen.';
    expect(near(await reasons(18_000, other))).toBeUndefined();
  });
});
