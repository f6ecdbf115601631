import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { expectError, newBusiness } from '../helpers/admin-helpers.js';
import { GOOD_PASSWORD, adminUser, businessUser, captureMail, tokenFromMail } from '../helpers/accounts.js';
import type { MemoryMailSender } from '../../src/mail/mail-sender.js';

let seq = 0;
const email = (tag: string) => `${tag}-${++seq}-${Math.random().toString(36).slice(2, 6)}@kafe.test`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });

/**
 * Attack: failed logins used to lock an account for everyone after 5 failures from anywhere, so anybody could
 * lock anybody out. Now a failing address is slowed down for that account alone (progressive delay), and the
 * account as a whole is locked only when many networks fail on it (a distributed attack), with an operator unlock.
 */
describe.skipIf(backendUnavailable)('security: login lockout per account and address', () => {
  let p: TestPlatform;
  let mail: MemoryMailSender;
  let biz: string;

  beforeAll(async () => {
    p = await startTestPlatform({ TRUST_PROXY: 'true' });
    mail = captureMail(p);
    biz = (await newBusiness(p)).id;
  });
  afterAll(() => p?.stop());

  const login = (to: string, password: string, ip: string) => p.api('POST', '/api/v1/auth/login', { email: to, password }, from(ip));

  it("locks the attacker's address, not the victim: the victim logs in from another address", async () => {
    const victim = email('victim');
    await businessUser(p, biz, victim, 'owner');
    let allowed = 0;
    for (let i = 0; i < 20; i++) {
      const res = await login(victim, `Wrong-password-${i}x`, '203.0.113.66');
      if (res.status === 401) allowed++;
      else expectError(res, 429, 'too_many_attempts');
    }
    expect(allowed).toBe(5);
    expect((await login(victim, GOOD_PASSWORD, '192.0.2.10')).status).toBe(200);
    // The right password from the locked address is refused too (no oracle while locked).
    const locked = await login(victim, GOOD_PASSWORD, '203.0.113.66');
    expectError(locked, 429, 'too_many_attempts');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
  });

  it('doubles the wait for each further failure from the same address', async () => {
    const victim = email('slow');
    await businessUser(p, biz, victim, 'staff');
    const ip = '203.0.113.77';
    for (let i = 0; i < 5; i++) expectError(await login(victim, `Wrong-password-${i}x`, ip), 401, 'invalid_credentials');
    const first = Number((await login(victim, 'Wrong-password-5x', ip)).headers.get('retry-after'));
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(15 * 60);
    // Let the first wait pass (the attempts are moved 16 minutes into the past).
    await ageLoginAttempts(p, 16 * 60_000);
    expectError(await login(victim, 'Wrong-password-6x', ip), 401, 'invalid_credentials');
    const second = await login(victim, 'Wrong-password-7x', ip);
    expectError(second, 429, 'too_many_attempts');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(15 * 60);
    expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(30 * 60);
  });

  it('treats every address of one IPv6 /64 as one attacker', async () => {
    const victim = email('v6');
    await businessUser(p, biz, victim, 'staff');
    let allowed = 0;
    for (let i = 1; i <= 30; i++) {
      const res = await login(victim, `Wrong-password-${i}x`, `2001:db8:1:2::${i.toString(16)}`);
      if (res.status === 401) allowed++;
    }
    expect(allowed).toBe(5);
    expect((await login(victim, GOOD_PASSWORD, '2001:db8:99::1')).status).toBe(200);
  });

  it('locks the account for unknown networks under a distributed attack; the victim keeps their own network; an operator unlocks (audited)', async () => {
    const victim = email('dist');
    await businessUser(p, biz, victim, 'owner');
    const home = '192.0.2.44';
    expect((await login(victim, GOOD_PASSWORD, home)).status).toBe(200);

    // Nine networks with two guesses each, then a tenth: all within the per-address allowance, but clearly one
    // coordinated attack. The tenth network's failure locks the account.
    for (let n = 1; n <= 9; n++) {
      for (let i = 0; i < 2; i++) expectError(await login(victim, `Wrong-password-${n}-${i}`, `198.18.${n}.9`), 401, 'invalid_credentials');
    }
    expectError(await login(victim, 'Wrong-password-10-0', '198.18.10.9'), 401, 'invalid_credentials');
    expectError(await login(victim, 'Wrong-password-1-2', '198.18.1.9'), 429, 'too_many_attempts');
    const elsewhere = await login(victim, GOOD_PASSWORD, '100.64.0.1');
    expectError(elsewhere, 429, 'too_many_attempts');
    expect((await login(victim, GOOD_PASSWORD, home)).status).toBe(200);

    const user = await p.ctx.db.kysely.selectFrom('users').select('id').where('email', '=', victim).executeTakeFirstOrThrow();
    const locked = await p.ctx.db.kysely.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'auth.account_locked').where('target_id', '=', user.id).execute();
    expect(locked).toHaveLength(1);
    expect(JSON.parse(locked[0]!.details!)).toMatchObject({ networks: 10, failures: 19 });

    const listed = await p.admin('GET', `/admin/users?search=${encodeURIComponent(victim)}`);
    expect(listed.body.items[0].loginLock).toMatchObject({ locked: true, networks: 10, failures: 19 });

    const unlocked = await p.admin('POST', `/admin/users/${user.id}/unlock`);
    expect(unlocked.status, unlocked.text).toBe(200);
    expect(unlocked.body).toMatchObject({ id: user.id, loginLock: { locked: false, networks: 0, failures: 0 } });
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'user.unlock').where('target_id', '=', user.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('admin-token');
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({ failuresCleared: 19 });
    expect((await login(victim, GOOD_PASSWORD, '100.64.0.1')).status).toBe(200);
  });

  it('lets the victim lift a distributed lock themselves with a password reset; business users cannot unlock', async () => {
    const victim = email('reset');
    const owner = await businessUser(p, biz, victim, 'owner');
    for (let n = 1; n <= 10; n++) await login(victim, `Wrong-password-${n}`, `198.19.${n}.9`);
    expectError(await login(victim, GOOD_PASSWORD, '100.64.0.2'), 429, 'too_many_attempts');

    const user = await p.ctx.db.kysely.selectFrom('users').select('id').where('email', '=', victim).executeTakeFirstOrThrow();
    expectError(await owner.call('POST', `/admin/users/${user.id}/unlock`), 403, 'forbidden');

    expect((await p.api('POST', '/api/v1/auth/password-reset/request', { email: victim }, from('100.64.0.2'))).status).toBe(202);
    const token = await waitFor(() => (mail.sent.some((m) => m.to === victim && m.text.includes('/business/reset')) ? tokenFromMail(mail, victim, '/business/reset') : undefined));
    expect((await p.api('POST', '/api/v1/auth/password-reset/confirm', { token, password: 'Ett-nytt-lösenord-42' }, from('100.64.0.2'))).status).toBe(204);
    expect((await login(victim, 'Ett-nytt-lösenord-42', '100.64.0.2')).status).toBe(200);
  });

  it('an operator sees and clears the lock in the console API', async () => {
    const ops = await adminUser(p);
    const victim = email('console');
    await businessUser(p, biz, victim, 'staff');
    for (let i = 0; i < 5; i++) await login(victim, `Wrong-password-${i}x`, '203.0.113.99');
    const list = await ops.call('GET', `/admin/users?search=${encodeURIComponent(victim)}`);
    expect(list.body.items[0].loginLock).toMatchObject({ locked: false, networks: 1, failures: 5, lockedNetworks: 1 });
    expect((await ops.call('POST', `/admin/users/${list.body.items[0].id}/unlock`)).status).toBe(200);
    expect((await login(victim, GOOD_PASSWORD, '203.0.113.99')).status).toBe(200);
  });
});

async function ageLoginAttempts(p: TestPlatform, ms: number): Promise<void> {
  const rows = await p.ctx.db.kysely.selectFrom('login_attempts').select(['id', 'created_at']).execute();
  for (const r of rows) {
    await p.ctx.db.writer.run((trx) => trx.updateTable('login_attempts').set({ created_at: new Date(Date.parse(r.created_at) - ms).toISOString() }).where('id', '=', r.id).execute());
  }
}

async function waitFor<T>(fn: () => T | undefined, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met');
}
