import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, squareSetup, startSession } from '../helpers/customer.js';

describe.skipIf(backendUnavailable)('customer feedback loop over HTTP', () => {
  let p: TestPlatform;
  let c: ConnectionSetup;
  let qrToken: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    c = await squareSetup(p);
    ({ qrToken } = await locationQr(p, c));
  });
  afterAll(async () => p?.stop());

  it('looks up the shop by QR token; unknown token is 404', async () => {
    const res = await p.api('GET', `/api/v1/locations/by-qr/${qrToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ locationId: c.locationId, businessType: 'cafe', businessTypeLabel: 'Kafé', languages: ['sv', 'en'], voiceAvailable: false });
    expect((await p.api('GET', '/api/v1/locations/by-qr/nope')).status).toBe(404);
  });

  it('QR → verify → feedback → follow-up → finish → reward → payout number', async () => {
    const sale = await ingestSale(p, c, 24_500, 3);
    const s = await startSession(p, { qrToken });
    const verify = await s.call('POST', '/verify', { amount: '245,00', purchasedAt: new Date(Date.now() - 3 * 60_000 + 45_000).toISOString(), cardLast4: sale.last4 });
    expect(verify.status, verify.text).toBe(200);
    expect(verify.body).toMatchObject({ verified: true, purchase: { amountMinor: 24_500 } });

    const first = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV });
    expect(first.status, first.text).toBe(200);
    let result = first.body;
    if (result.status === 'follow_up') {
      expect(result.followUp.text.length).toBeGreaterThan(5);
      const answer = await s.call('POST', '/feedback', { text: 'Jag skulle gärna se fler glutenfria alternativ i montern, och skylten vid disken var svår att läsa.', finish: true });
      expect(answer.status, answer.text).toBe(200);
      result = answer.body;
    }
    expect(result.status).toBe('completed');
    expect(result.qualityScore).toBeGreaterThanOrEqual(60);
    expect(result.reward.currency).toBe('SEK');
    expect(result.reward.amountMinor).toBeGreaterThan(0);
    expect(result.reward.status).toBe('awaiting_phone');
    expect(Object.keys(result.breakdown).sort()).toEqual(['authenticity', 'concreteness', 'depth']);

    const payout = await s.call('POST', '/payout', { phone: '070-123 45 67' });
    expect(payout.status, payout.text).toBe(200);
    expect(payout.body).toMatchObject({ phone: '+4670•••••67', reward: { status: 'approved', amountMinor: result.reward.amountMinor } });
    const stored = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['phone_enc', 'phone_hash']).where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(stored.phone_enc).not.toContain('0701234567');
    expect(stored.phone_enc).not.toContain('+46701234567');
  });

  it('the same purchase cannot be claimed twice (the second customer is told what "no purchase" would say)', async () => {
    const sale = await ingestSale(p, c, 13_900, 2);
    const a = await startSession(p, { qrToken });
    const b = await startSession(p, { qrToken });
    const at = new Date(Date.now() - 2 * 60_000).toISOString();
    expect((await a.call('POST', '/verify', { amount: '139', purchasedAt: at, cardLast4: sale.last4 })).status).toBe(200);
    const second = await b.call('POST', '/verify', { amount: '139', purchasedAt: at, cardLast4: sale.last4 });
    expect(second.status).toBe(422);
    expect(second.body.error.code).toBe('no_matching_purchase');
  });

  it('no match is 422 no_matching_purchase; bad amount is 400', async () => {
    const s = await startSession(p, { qrToken });
    const none = await s.call('POST', '/verify', { amount: '999,99', purchasedAt: new Date().toISOString() });
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('no_matching_purchase');
    const bad = await s.call('POST', '/verify', { amount: '12.345', purchasedAt: '12:00' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_amount');
  });

  it('session calls need the session token', async () => {
    const s = await startSession(p, { qrToken });
    const res = await p.api('POST', `/api/v1/feedback-sessions/${s.sessionId}/verify`, { amount: '10', purchasedAt: '12:00' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_session_token');
  });
});
