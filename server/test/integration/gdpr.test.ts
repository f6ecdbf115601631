import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, squareSetup, startSession } from '../helpers/customer.js';

describe.skipIf(backendUnavailable)('GDPR access and erasure', () => {
  let p: TestPlatform;
  let sessionId: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    const c = await squareSetup(p);
    const { qrToken } = await locationQr(p, c);
    const sale = await ingestSale(p, c, 31_000, 4);
    const s = await startSession(p, { qrToken });
    sessionId = s.sessionId;
    expect((await s.call('POST', '/verify', { amount: '310', purchasedAt: new Date(Date.now() - 4 * 60_000).toISOString(), cardLast4: sale.last4 })).status).toBe(200);
    const done = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(done.body.status, done.text).toBe('completed');
    expect((await s.call('POST', '/payout', { phone: '0731234567' })).status).toBe(200);
  });
  afterAll(async () => p?.stop());

  it('export returns the conversation, reward and phone for that person only', async () => {
    const res = await p.admin('POST', '/admin/gdpr/export', { phone: '+46 73 123 45 67' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.phone).toBe('+46731234567');
    expect(res.body.sessions).toHaveLength(1);
    expect(res.body.sessions[0].id).toBe(sessionId);
    expect(res.body.sessions[0].conversation[0].text).toBe(RICH_FEEDBACK_SV);
    expect(res.body.rewards).toHaveLength(1);
    const other = await p.admin('POST', '/admin/gdpr/export', { phone: '0701111111' });
    expect(other.body.sessions).toEqual([]);
  });

  it('erasure anonymises the text and removes the phone number, keeping the score', async () => {
    const res = await p.admin('POST', '/admin/gdpr/erasure', { phone: '0731234567', reason: 'customer request by email' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ erasedSessions: 1, retainedPayoutRecords: 0 });
    const turns = await p.ctx.db.kysely.selectFrom('feedback_turns').select('text').where('session_id', '=', sessionId).execute();
    expect(turns.every((t) => t.text === '[anonymiserad]')).toBe(true);
    const session = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['phone_enc', 'device_hash', 'score']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(session.phone_enc).toBeNull();
    expect(session.device_hash).toBeNull();
    expect(session.score).toBeGreaterThan(0);
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select(['action', 'details']).where('action', 'in', ['gdpr.export', 'gdpr.erasure']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['gdpr.erasure', 'gdpr.export', 'gdpr.export']);
    expect(JSON.stringify(audit)).not.toContain('0731234567');
  });

  it('rejects a malformed phone number with 400 and requires the admin token', async () => {
    expect((await p.admin('POST', '/admin/gdpr/export', { phone: '12345' })).body.error.code).toBe('invalid_phone');
    expect((await p.api('POST', '/admin/gdpr/export', { phone: '0731234567' })).status).toBe(401);
  });
});
