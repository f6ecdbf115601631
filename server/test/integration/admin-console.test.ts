import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createLocation } from '../helpers/fixtures.js';
import { expectError, newPendingBusiness } from '../helpers/admin-helpers.js';
import { adminUser, type Browser } from '../helpers/accounts.js';
import { seedFeedback } from '../helpers/feedback-seed.js';

describe.skipIf(backendUnavailable)('admin console APIs', () => {
  let p: TestPlatform;
  let ops: Browser;
  let biz: string;
  let loc: string;

  beforeAll(async () => {
    p = await startTestPlatform();
    ops = await adminUser(p);
    biz = (await newPendingBusiness(p, { name: 'Kafé Konsol' })).id;
    loc = (await createLocation(p, biz)).id;
  });
  afterAll(() => p?.stop());

  it('queues new businesses for approval and approves them (audited)', async () => {
    const pending = await ops.call('GET', '/admin/business-approvals?status=pending');
    expect(pending.body.items.map((b: { id: string }) => b.id)).toContain(biz);
    const approved = await ops.call('POST', `/admin/businesses/${biz}/approve`, { note: 'Org.nr kontrollerat' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ id: biz, approvalStatus: 'approved', approvedBy: expect.stringMatching(/^user:/) });
    expectError(await ops.call('POST', `/admin/businesses/${biz}/approve`, {}), 409, 'conflict');
    const audit = await ops.call('GET', `/admin/audit-log?action=business.approve&targetId=${biz}`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ action: 'business.approve', targetType: 'business', details: { note: 'Org.nr kontrollerat' } });
  });

  it('overrides a score with a reason and recomputes the unbooked reward', async () => {
    const sessionId = await seedFeedback(p, { businessId: biz, locationId: loc, scoredAt: new Date().toISOString(), score: 50, amountMinor: 20_000, rewardMinor: 0, rewardStatus: 'none' });
    const res = await ops.call('POST', `/admin/feedback-sessions/${sessionId}/score-override`, { score: 95, reason: 'Konkret och äkta; poängsättningen missade detaljerna' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ sessionId, previousScore: 50, score: 95 });
    expect(res.body.reward.amountMinor).toBeGreaterThan(0);
    // The phone number is known, so the reward that now pays something is booked to the customer at once.
    expect(res.body.reward.status).toBe('approved');
    const stored = await p.ctx.db.kysely.selectFrom('rewards').select(['id', 'amount_minor', 'status']).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    expect(stored.amount_minor).toBe(res.body.reward.amountMinor);
    const ledger = await p.ctx.db.kysely.selectFrom('ledger_entries').select('amount_minor').where('reward_id', '=', stored.id).execute();
    expect(ledger.length).toBeGreaterThan(0);
    // Booked money is not silently rewritten.
    expectError(await ops.call('POST', `/admin/feedback-sessions/${sessionId}/score-override`, { score: 20, reason: 'Kopierad text' }), 409, 'conflict');
    expectError(await ops.call('POST', `/admin/feedback-sessions/${sessionId}/score-override`, { score: 101, reason: 'x'.repeat(5) }), 400, 'validation_failed');
    expectError(await ops.call('POST', `/admin/feedback-sessions/${sessionId}/score-override`, { score: 80 }), 400, 'validation_failed');
    const held = await seedFeedback(p, { businessId: biz, locationId: loc, scoredAt: new Date().toISOString(), score: 80, rewardMinor: 1500, rewardStatus: 'held' });
    const down = await ops.call('POST', `/admin/feedback-sessions/${held}/score-override`, { score: 20, reason: 'Kopierad text, se bedrägerikön' });
    expect(down.body.reward).toMatchObject({ amountMinor: 0, status: 'none' });
    const list = await ops.call('GET', `/admin/score-overrides?businessId=${biz}`);
    expect(list.body.items.map((o: { score: number }) => o.score)).toEqual([20, 95]);
    expect(list.body.items[0]).toMatchObject({ sessionId: held, previousScore: 80, reason: 'Kopierad text, se bedrägerikön' });
    const audit = await ops.call('GET', `/admin/audit-log?action=feedback.score_override&targetId=${sessionId}`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0].details).toMatchObject({ previousScore: 50, score: 95, rewardBefore: 0 });
  });

  it('bans a session’s phone, takes an appeal and lifts the ban on decision', async () => {
    const sessionId = await seedFeedback(p, { businessId: biz, locationId: loc, scoredAt: new Date().toISOString(), score: 70 });
    const ban = await ops.call('POST', '/admin/bans', { kind: 'phone', sessionId, reason: 'Upprepade falska kvitton' });
    expect(ban.status, ban.text).toBe(201);
    expectError(await ops.call('POST', '/admin/bans', { kind: 'phone', sessionId, reason: 'igen' }), 409, 'conflict');
    expectError(await ops.call('POST', '/admin/bans', { kind: 'device', sessionId, reason: 'ingen enhet' }), 409, 'conflict');
    const phoneBan = await ops.call('POST', '/admin/bans', { kind: 'phone', value: '070-123 45 67', reason: 'Spam' });
    expect(phoneBan.status).toBe(201);
    expectError(await p.api('POST', '/api/v1/appeals', { message: 'Jag har inte gjort något fel, lova!' }), 400, 'validation_failed');
    const appeal = await p.api('POST', '/api/v1/appeals', { phone: '+46701234567', message: 'Jag har inte gjort något fel, lova!', contact: 'kund@example.se' });
    expect(appeal.status, appeal.text).toBe(202);
    const queue = await ops.call('GET', '/admin/appeals?status=pending');
    expect(queue.body.items[0]).toMatchObject({ id: appeal.body.appealId, banId: phoneBan.body.id, contact: 'kund@example.se', ban: { kind: 'phone', status: 'active' } });
    const decided = await ops.call('POST', `/admin/appeals/${appeal.body.appealId}/decision`, { decision: 'lift', reason: 'Fel person' });
    expect(decided.body.status).toBe('lifted');
    expectError(await ops.call('POST', `/admin/appeals/${appeal.body.appealId}/decision`, { decision: 'uphold', reason: 'igen' }), 409, 'conflict');
    const bans = await ops.call('GET', '/admin/bans?status=active');
    expect(bans.body.items.map((b: { id: string }) => b.id)).toEqual([ban.body.id]);
    expect((await ops.call('POST', `/admin/bans/${ban.body.id}/lift`, { reason: 'Utrett' })).body.status).toBe('lifted');
    // A banned IP can no longer start or continue feedback; it is told it may appeal.
    const token = 'ban-test-session-token-0123456789';
    const open = await seedFeedback(p, { businessId: biz, locationId: loc, scoredAt: new Date().toISOString(), score: 0, status: 'verified', updatedAt: new Date().toISOString(), token });
    const ipBan = await ops.call('POST', '/admin/bans', { kind: 'ip', value: '127.0.0.1', reason: 'Skriptad trafik' });
    expect(ipBan.status).toBe(201);
    const blocked = await p.api('POST', `/api/v1/feedback-sessions/${open}/feedback`, { text: 'Hej' }, { 'x-session-token': token });
    expectError(blocked, 403, 'banned');
    expect(blocked.body.error.details).toEqual({ appeal: '/api/v1/appeals' });
    await ops.call('POST', `/admin/bans/${ipBan.body.id}/lift`, { reason: 'Utrett' });
    expect((await p.api('POST', `/api/v1/feedback-sessions/${open}/feedback`, { text: 'Hej' }, { 'x-session-token': token })).status).not.toBe(403);
  });

  it('lists live sessions and ends one (the customer then gets 410)', async () => {
    const token = 'kundens-sessionstoken-0123456789';
    const now = new Date().toISOString();
    const open = await seedFeedback(p, { businessId: biz, locationId: loc, scoredAt: now, score: 0, status: 'in_conversation', updatedAt: now, token });
    const old = await seedFeedback(p, { businessId: biz, locationId: loc, scoredAt: now, score: 0, status: 'open', updatedAt: new Date(Date.now() - 31 * 60_000).toISOString() });
    const live = await ops.call('GET', '/admin/live-sessions');
    const ids = live.body.items.map((s: { id: string }) => s.id);
    expect(ids).toContain(open);
    expect(ids).not.toContain(old);
    expect(live.body.items.find((s: { id: string }) => s.id === open)).toMatchObject({ businessId: biz, businessName: 'Kafé Konsol', status: 'in_conversation' });
    expect((await ops.call('POST', `/admin/live-sessions/${open}/end`, { reason: 'Misstänkt bot' })).body.status).toBe('expired');
    const customer = await p.api('POST', `/api/v1/feedback-sessions/${open}/feedback`, { text: 'Hej igen' }, { 'x-session-token': token });
    expectError(customer, 410, 'session_expired');
    expectError(await ops.call('POST', `/admin/live-sessions/${open}/end`, { reason: 'igen' }), 409, 'session_state');
    expect((await ops.call('GET', '/admin/live-sessions')).body.items.map((s: { id: string }) => s.id)).not.toContain(open);
  });

  it('filters the audit log and pages through it', async () => {
    const all = await ops.call('GET', '/admin/audit-log?limit=2');
    expect(all.body.items).toHaveLength(2);
    expect(all.body.nextCursor).toBeTruthy();
    const next = await ops.call('GET', `/admin/audit-log?limit=2&cursor=${all.body.nextCursor}`);
    expect(next.body.items[0].id < all.body.items[1].id).toBe(true);
    const me = await ops.call('GET', '/api/v1/auth/me');
    const mine = await ops.call('GET', `/admin/audit-log?actor=user:${me.body.user.id}&limit=200`);
    expect(mine.body.items.length).toBeGreaterThan(5);
    expect(mine.body.items.every((a: { actor: string }) => a.actor === `user:${me.body.user.id}`)).toBe(true);
    const future = await ops.call('GET', '/admin/audit-log?from=2099-01-01T00:00:00Z');
    expect(future.body.items).toEqual([]);
  });
});
