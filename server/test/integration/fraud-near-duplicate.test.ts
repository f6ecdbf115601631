import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, backendUnavailable, openTestDatabase, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, validOrgNumber, type ConnectionSetup } from '../helpers/fixtures.js';
import { candidateSignatures } from '../../src/fraud/fraud-service.js';
import { minHashSignature, serializeSignature } from '../../src/fraud/text-similarity.js';
import { newId, nowIso } from '../../src/core/ids.js';
import type { Db } from '../../src/db/database.js';
import { createBusiness } from '../../src/businesses/business-service.js';
import { createLocation } from '../../src/locations/location-service.js';
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
/** A business with one location, through the services the admin API uses. */
async function seedShop(db: Db): Promise<{ id: string; business_id: string }> {
  const who = { actor: 'test', ip: null };
  const business = await createBusiness(db, { name: 'Kafé Test', orgNumber: validOrgNumber(), businessType: 'cafe', email: 'kafe@example.se' }, who);
  const location = await createLocation(db, business.id, { name: 'Kafé Test', address: 'Storgatan 1, Stockholm' }, who);
  return { id: location.id, business_id: business.id };
}

/** A finished session whose stored fingerprint holds the signature of `text`. */
async function sessionWithSignature(db: Db, loc: { id: string; business_id: string }, text: string): Promise<string> {
  const id = newId();
  const now = nowIso();
  await db.kysely
    .insertInto('feedback_sessions')
    .values({ id, business_id: loc.business_id, location_id: loc.id, channel: 'qr', token_hash: newId(), status: 'completed', locale: 'sv', expires_at: now, created_at: now, updated_at: now })
    .execute();
  await db.kysely.insertInto('text_fingerprints').values({ id: newId(), session_id: id, kind: 'sig', key: serializeSignature(minHashSignature(text)), created_at: now }).execute();
  return id;
}

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
    expect((await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
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

  it('a full signature cache never drops a candidate it already held (eviction while storing the missing ones)', async () => {
    // A database of its own, so its cache is new and can be made tiny.
    const t = await openTestDatabase();
    try {
      const loc = await seedShop(t.db);
      const texts = ['ett', 'två', 'tre', 'fyra', 'fem'].map((w) => `${RICH_FEEDBACK_SV} ${w}`);
      const ids: string[] = [];
      for (const text of texts) ids.push(await sessionWithSignature(t.db, loc, text));
      const expected = texts.map((text) => Array.from(minHashSignature(text)));
      expect((await candidateSignatures(t.db.kysely, ids.slice(0, 3), 3)).map((s) => Array.from(s))).toEqual(expected.slice(0, 3));
      // Three hits and two misses with room for three: storing the misses evicts two of the hits.
      const all = await candidateSignatures(t.db.kysely, ids, 3);
      expect(all.map((s) => Array.from(s)).sort()).toEqual(expected.sort());
    } finally {
      await t.close();
    }
  });

  it('an unrelated text has no near copy', async () => {
    const other = 'Fisken var färsk och såsen smakrik, men pommesen var kalla och servitören glömde vår beställning av dricka två gånger under kvällen.';
    expect(near(await reasons(18_000, other))).toBeUndefined();
  });
});
