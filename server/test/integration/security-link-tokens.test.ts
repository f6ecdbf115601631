import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { newBusiness } from '../helpers/admin-helpers.js';
import { businessUser, captureMail, linkFromMail, linkToken } from '../helpers/accounts.js';
import type { MemoryMailSender } from '../../src/mail/mail-sender.js';

/** Every log line the server writes, parsed. */
function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines, text: () => lines.join('\n') };
}

/**
 * Attack: one-time tokens (invitation, password reset) travelled in URL query strings, which the server's
 * request log keeps (and proxies, browser history and Referer headers pass on). Whoever reads the log can
 * take over an invitation or reset a password within the token's lifetime.
 */
describe.skipIf(backendUnavailable)('security: one-time tokens never reach the request log', () => {
  let p: TestPlatform;
  let mail: MemoryMailSender;
  let biz: string;
  const log = logCapture();

  beforeAll(async () => {
    p = await startTestPlatform({ LOG_LEVEL: 'info' }, { logTo: log.stream });
    mail = captureMail(p);
    biz = (await newBusiness(p, { name: 'Loggkaféet' })).id;
  });
  afterAll(() => p?.stop());

  it('logs the path of a request but not its query string (old links with ?token= included)', async () => {
    const to = 'logged-invite@kafe.test';
    expect((await p.admin('POST', `/admin/businesses/${biz}/invitations`, { email: to, role: 'staff' })).status).toBe(201);
    const token = linkToken(linkFromMail(mail, to, '/business/invite'));

    // A browser opening an invitation link in the old form, and the old preview call of the web app.
    await p.api('GET', `/business/invite?token=${encodeURIComponent(token)}`, undefined, { accept: 'text/html', 'sec-fetch-mode': 'navigate' });
    await p.api('GET', `/api/v1/auth/invitation?token=${encodeURIComponent(token)}`);
    await p.api('GET', `/business/reset?token=${encodeURIComponent(token)}`, undefined, { accept: 'text/html', 'sec-fetch-mode': 'navigate' });

    const requests = log.lines.map((l) => JSON.parse(l) as { msg: string; req?: { url: string } }).filter((l) => l.msg === 'incoming request');
    expect(requests.map((r) => r.req?.url)).toEqual(expect.arrayContaining(['/business/invite', '/api/v1/auth/invitation', '/business/reset']));
    expect(log.text()).not.toContain(token);
    expect(log.text()).not.toContain(token.slice(0, 40));
  });

  it('mails links with the token in the fragment, which browsers never send to a server', async () => {
    const to = 'fragment-invite@kafe.test';
    await p.admin('POST', `/admin/businesses/${biz}/invitations`, { email: to, role: 'staff' });
    const invite = linkFromMail(mail, to, '/business/invite');
    expect(invite).toMatch(/^https:\/\/kvittra\.test\/business\/invite#token=[\w.-]+$/);

    // The page reads the fragment and sends the token in a POST body.
    const info = await p.api('POST', '/api/v1/auth/invitations/lookup', { token: linkToken(invite) });
    expect(info.status, info.text).toBe(200);
    expect(info.body).toMatchObject({ email: to, businessName: 'Loggkaféet', role: 'staff', accountExists: false });

    const member = 'fragment-reset@kafe.test';
    await businessUser(p, biz, member, 'staff');
    expect((await p.api('POST', '/api/v1/auth/password-reset/request', { email: member })).status).toBe(202);
    await expect.poll(() => mail.sent.some((m) => m.to === member && m.text.includes('/business/reset'))).toBe(true);
    expect(linkFromMail(mail, member, '/business/reset')).toMatch(/^https:\/\/kvittra\.test\/business\/reset#token=[\w.-]+$/);
    expect(log.text()).not.toContain(linkToken(invite));
  });
});
