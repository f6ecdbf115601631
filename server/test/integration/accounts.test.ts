import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { expectError, newBusiness } from '../helpers/admin-helpers.js';
import { GOOD_PASSWORD, adminUser, browser, businessUser, captureMail, linkToken, tokenFromMail } from '../helpers/accounts.js';
import type { MemoryMailSender } from '../../src/mail/mail-sender.js';

let seq = 0;
const email = (tag: string) => `${tag}-${++seq}-${Math.random().toString(36).slice(2, 6)}@kafe.test`;

async function waitFor<T>(fn: () => T | undefined, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met');
}

describe.skipIf(backendUnavailable)('accounts: invitations, sessions, CSRF, login limits, password reset', () => {
  let p: TestPlatform;
  let mail: MemoryMailSender;
  let bizId: string;

  beforeAll(async () => {
    p = await startTestPlatform();
    mail = captureMail(p);
    bizId = (await newBusiness(p, { name: 'Kafé Linné' })).id;
  });
  afterAll(() => p?.stop());

  it('invites by mail, accepts once, signs in with an httpOnly SameSite cookie and answers me/logout', async () => {
    const to = email('anna');
    const inv = await p.admin('POST', `/admin/businesses/${bizId}/invitations`, { email: to.toUpperCase(), role: 'owner' });
    expect(inv.status, inv.text).toBe(201);
    expect(inv.body).toMatchObject({ email: to, role: 'owner', businessId: bizId });
    expect(inv.body.link).toMatch(/^https:\/\/kvittra\.test\/business\/invite#token=/);
    const token = tokenFromMail(mail, to, '/business/invite');
    expect(token).toBe(linkToken(inv.body.link));
    const stored = await p.ctx.db.kysely.selectFrom('invitations').select('token_hash').where('id', '=', inv.body.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token.slice(0, 20));

    const info = await p.api('POST', '/api/v1/auth/invitations/lookup', { token });
    expect(info.body).toMatchObject({ email: to, businessName: 'Kafé Linné', role: 'owner', accountExists: false });

    const b = browser(p);
    const accepted = await b.call('POST', '/api/v1/auth/invitations/accept', { token, password: GOOD_PASSWORD });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.user).toMatchObject({ email: to, role: 'business', memberships: [{ businessId: bizId, businessName: 'Kafé Linné', role: 'owner' }] });
    const cookie = accepted.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^kvittra_session=[\w-]{30,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);

    expectError(await p.api('POST', '/api/v1/auth/invitations/accept', { token, password: GOOD_PASSWORD }), 400, 'invalid_token');

    const me = await b.call('GET', '/api/v1/auth/me');
    expect(me.body.user.email).toBe(to);
    expect(me.body.csrfToken).toBe(b.csrf);

    expectError(await b.call('POST', '/api/v1/auth/logout', undefined, { 'x-csrf-token': 'wrong' }), 403, 'csrf_failed');
    const out = await b.call('POST', '/api/v1/auth/logout');
    expect(out.status).toBe(204);
    expectError(await p.api('GET', '/api/v1/auth/me', undefined, { cookie: `kvittra_session=${cookie.split(';')[0]!.split('=')[1]}` }), 401, 'unauthorized');

    const again = browser(p);
    expect((await again.login(to.toUpperCase(), GOOD_PASSWORD)).status).toBe(200);
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select('action').where('action', 'in', ['invitation.create', 'invitation.accept', 'auth.login', 'auth.logout']).execute();
    expect(new Set(audit.map((a) => a.action))).toEqual(new Set(['invitation.create', 'invitation.accept', 'auth.login', 'auth.logout']));
  });

  it('rejects forged, tampered and weak-password acceptances', async () => {
    const inv = await p.admin('POST', `/admin/businesses/${bizId}/invitations`, { email: email('weak'), role: 'staff' });
    const token = linkToken(inv.body.link);
    expectError(await p.api('POST', '/api/v1/auth/invitations/accept', { token: `${token.slice(0, -2)}xx`, password: GOOD_PASSWORD }), 400, 'invalid_token');
    expectError(await p.api('POST', '/api/v1/auth/invitations/accept', { token: 'a'.repeat(40), password: GOOD_PASSWORD }), 400, 'invalid_token');
    for (const weak of ['short1A!', 'alllowercaseletters', '123456789012345']) {
      expectError(await p.api('POST', '/api/v1/auth/invitations/accept', { token, password: weak }), 400, 'weak_password');
    }
    expect((await p.api('POST', '/api/v1/auth/invitations/accept', { token, password: GOOD_PASSWORD })).status).toBe(200);
  });

  it('requires the CSRF token on cookie-authenticated writes, not on bearer requests', async () => {
    const b = await businessUser(p, bizId, email('csrf'), 'owner');
    const body = { email: email('new'), role: 'staff' };
    expectError(await b.call('POST', `/admin/businesses/${bizId}/invitations`, body, { 'x-csrf-token': '' }), 403, 'csrf_failed');
    const noHeader = await p.api('POST', `/admin/businesses/${bizId}/invitations`, body, { cookie: b.cookie! });
    expectError(noHeader, 403, 'csrf_failed');
    expect((await b.call('POST', `/admin/businesses/${bizId}/invitations`, body)).status).toBe(201);
    expect((await p.admin('POST', `/admin/businesses/${bizId}/invitations`, { email: email('bearer'), role: 'staff' })).status).toBe(201);
    // A wrong bearer token is 401 even alongside a valid cookie.
    expectError(await p.api('GET', `/admin/businesses/${bizId}/members`, undefined, { cookie: b.cookie!, authorization: 'Bearer nope' }), 401, 'unauthorized');
  });

  it('gives the same answer for a wrong password and an unknown account, and limits 5 failures per account from one address', async () => {
    // Behind a trusted proxy: the attempts come from one client address (X-Forwarded-For), the check from another.
    const q = await startTestPlatform({ TRUST_PROXY: 'true' });
    const attacker = { 'x-forwarded-for': '203.0.113.10' };
    try {
      const biz = (await newBusiness(q)).id;
      const to = email('limit');
      await businessUser(q, biz, to, 'staff');
      const wrong = await q.api('POST', '/api/v1/auth/login', { email: to, password: 'Wrong-password-123' }, attacker);
      const unknown = await q.api('POST', '/api/v1/auth/login', { email: email('nobody'), password: 'Wrong-password-123' }, { 'x-forwarded-for': '203.0.113.11' });
      expectError(wrong, 401, 'invalid_credentials');
      expectError(unknown, 401, 'invalid_credentials');
      expect(wrong.body.error.message).toBe(unknown.body.error.message);
      for (let i = 0; i < 4; i++) expectError(await q.api('POST', '/api/v1/auth/login', { email: to.toUpperCase(), password: `Wrong-password-${i}x` }, attacker), 401, 'invalid_credentials');
      expectError(await q.api('POST', '/api/v1/auth/login', { email: to, password: GOOD_PASSWORD }, attacker), 429, 'too_many_attempts');
      // Same for an account that does not exist: the limit reveals nothing.
      const ghost = email('ghost');
      const ghostFrom = { 'x-forwarded-for': '203.0.113.12' };
      for (let i = 0; i < 5; i++) await q.api('POST', '/api/v1/auth/login', { email: ghost, password: 'Wrong-password-123' }, ghostFrom);
      expectError(await q.api('POST', '/api/v1/auth/login', { email: ghost, password: 'Wrong-password-123' }, ghostFrom), 429, 'too_many_attempts');
      // The account itself is not locked: its owner signs in from their own address.
      expect((await q.api('POST', '/api/v1/auth/login', { email: to, password: GOOD_PASSWORD }, { 'x-forwarded-for': '203.0.113.13' })).status).toBe(200);
    } finally {
      await q.stop();
    }
  });

  it('limits 10 failures per IP across accounts', async () => {
    const q = await startTestPlatform();
    try {
      const biz = (await newBusiness(q)).id;
      const victim = email('victim');
      await businessUser(q, biz, victim, 'owner');
      for (let i = 0; i < 9; i++) await q.api('POST', '/api/v1/auth/login', { email: email(`spray${i}`), password: 'Wrong-password-123' });
      expect((await q.api('POST', '/api/v1/auth/login', { email: victim, password: GOOD_PASSWORD })).status).toBe(200);
      await q.api('POST', '/api/v1/auth/login', { email: email('spray9'), password: 'Wrong-password-123' });
      expectError(await q.api('POST', '/api/v1/auth/login', { email: victim, password: GOOD_PASSWORD }), 429, 'too_many_attempts');
    } finally {
      await q.stop();
    }
  });

  it('resets a password with a single-use mailed token and ends the old sessions', async () => {
    const to = email('reset');
    const b = await businessUser(p, bizId, to, 'staff');
    const unknown = await p.api('POST', '/api/v1/auth/password-reset/request', { email: email('unknown') });
    expect(unknown.status).toBe(202);
    const res = await p.api('POST', '/api/v1/auth/password-reset/request', { email: to.toUpperCase() });
    expect(res.status).toBe(202);
    expect(res.body).toEqual(unknown.body);
    const token = await waitFor(() => (mail.sent.some((m) => m.to === to && m.text.includes('/business/reset')) ? tokenFromMail(mail, to, '/business/reset') : undefined));
    expectError(await p.api('POST', '/api/v1/auth/password-reset/confirm', { token, password: 'weakweakweakweak' }), 400, 'weak_password');
    expect((await p.api('POST', '/api/v1/auth/password-reset/confirm', { token, password: 'Ett-nytt-lösenord-42' })).status).toBe(204);
    expectError(await p.api('POST', '/api/v1/auth/password-reset/confirm', { token, password: 'Ett-annat-lösenord-43' }), 400, 'invalid_token');
    expectError(await b.call('GET', '/api/v1/auth/me'), 401, 'unauthorized');
    expectError(await p.api('POST', '/api/v1/auth/login', { email: to, password: GOOD_PASSWORD }), 401, 'invalid_credentials');
    expect((await browser(p).login(to, 'Ett-nytt-lösenord-42')).status).toBe(200);
    // An invitation token is not a reset token.
    const inv = await p.admin('POST', `/admin/businesses/${bizId}/invitations`, { email: email('x'), role: 'staff' });
    expectError(await p.api('POST', '/api/v1/auth/password-reset/confirm', { token: linkToken(inv.body.link), password: 'Ett-nytt-lösenord-42' }), 400, 'invalid_token');
  });

  it('lets owners manage the team and keeps staff read-only there', async () => {
    const biz = (await newBusiness(p)).id;
    const ownerEmail = email('owner');
    const owner = await businessUser(p, biz, ownerEmail, 'owner');
    const staffEmail = email('staff');
    const staff = await businessUser(p, biz, staffEmail, 'staff');
    const members = await staff.call('GET', `/admin/businesses/${biz}/members`);
    expect(members.status).toBe(200);
    expect(members.body.items.map((m: { email: string }) => m.email).sort()).toEqual([ownerEmail, staffEmail].sort());
    expectError(await staff.call('POST', `/admin/businesses/${biz}/invitations`, { email: email('n'), role: 'staff' }), 403, 'forbidden');
    const staffId = members.body.items.find((m: { email: string }) => m.email === staffEmail).userId;
    const ownerId = members.body.items.find((m: { email: string }) => m.email === ownerEmail).userId;
    expectError(await staff.call('DELETE', `/admin/businesses/${biz}/members/${ownerId}`), 403, 'forbidden');
    expectError(await owner.call('PATCH', `/admin/businesses/${biz}/members/${ownerId}`, { role: 'staff' }), 409, 'last_owner');
    expect((await owner.call('PATCH', `/admin/businesses/${biz}/members/${staffId}`, { role: 'owner' })).body.role).toBe('owner');
    expect((await owner.call('PATCH', `/admin/businesses/${biz}/members/${staffId}`, { role: 'staff' })).body.role).toBe('staff');
    expect((await owner.call('DELETE', `/admin/businesses/${biz}/members/${staffId}`)).status).toBe(204);
    // The removed member's session is gone at once.
    expectError(await staff.call('GET', `/admin/businesses/${biz}/members`), 401, 'unauthorized');
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select(['action', 'actor']).where('target_id', '=', biz).where('action', 'like', 'member.%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['member.remove', 'member.role_change', 'member.role_change']);
    expect(audit.every((a) => a.actor === `user:${ownerId}`)).toBe(true);
  });

  it('bootstraps operator accounts with the admin token; disabled users cannot sign in', async () => {
    const ops = await adminUser(p);
    const me = await ops.call('GET', '/api/v1/auth/me');
    expect(me.body.user).toMatchObject({ role: 'admin', memberships: [] });
    expect((await ops.call('GET', '/admin/payout-batches')).status).toBe(200);
    expect((await ops.call('POST', '/admin/businesses', { name: 'Ny', orgNumber: '556677-8899', businessType: 'cafe', email: 'a@b.se' })).status).not.toBe(403);
    expectError(await p.admin('POST', '/admin/users', { email: me.body.user.email, password: GOOD_PASSWORD }), 409, 'conflict');
    const u = await browser(p);
    const staffEmail = email('dis');
    await businessUser(p, bizId, staffEmail, 'staff');
    const list = await ops.call('GET', `/admin/users?search=${encodeURIComponent(staffEmail)}`);
    expect(list.body.items).toHaveLength(1);
    expect((await ops.call('POST', `/admin/users/${list.body.items[0].id}/disable`)).body.status).toBe('disabled');
    expectError(await u.login(staffEmail, GOOD_PASSWORD), 401, 'invalid_credentials');
  });
});
