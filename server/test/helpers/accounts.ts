import { expect } from 'vitest';
import { MemoryMailSender } from '../../src/mail/mail-sender.js';
import type { PlatformHandle, TestPlatform } from './platform.js';

type Res = { status: number; body: any; headers: Headers; text: string };

export const GOOD_PASSWORD = 'Korrekt-häst-batteri-9';

/** Swaps the platform's mail sender for one that keeps mails, so tests can follow the links. */
export function captureMail(p: TestPlatform): MemoryMailSender {
  const mail = new MemoryMailSender();
  p.ctx.services.mail = mail;
  return mail;
}

/** The one-time token of a link: in the fragment (`#token=…`, what is mailed now) or, for old links, the query. */
export function linkToken(link: string): string {
  const url = new URL(link);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? url.searchParams.get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/** The last link mailed to `to` whose path is `path`. */
export function linkFromMail(mail: MemoryMailSender, to: string, path: string): string {
  const msg = [...mail.sent].reverse().find((m) => m.to === to && m.text.includes(path));
  if (!msg) throw new Error(`no mail with ${path} to ${to}`);
  return (msg.text.match(/https?:\/\/\S+/g) ?? []).find((l) => l.includes(path))!;
}

/** The token in the last link mailed to `to` whose path is `path`. */
export function tokenFromMail(mail: MemoryMailSender, to: string, path: string): string {
  return linkToken(linkFromMail(mail, to, path));
}

/** A browser: keeps the session cookie and sends the CSRF token on writes, like the web app does. */
export interface Browser {
  cookie: string | null;
  csrf: string | null;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  login(email: string, password: string): Promise<Res>;
}

export function browser(p: PlatformHandle): Browser {
  const b: Browser = {
    cookie: null,
    csrf: null,
    async call(method, path, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (b.cookie) h.cookie = b.cookie;
      if (b.csrf && !['GET', 'HEAD'].includes(method) && !('x-csrf-token' in h)) h['x-csrf-token'] = b.csrf;
      const res = await p.api(method, path, body, h);
      const set = res.headers.get('set-cookie');
      if (set?.startsWith('kvittra_session=')) {
        const value = set.slice('kvittra_session='.length).split(';')[0]!;
        b.cookie = value ? `kvittra_session=${value}` : null;
      }
      if (res.body && typeof res.body.csrfToken === 'string') b.csrf = res.body.csrfToken;
      return res;
    },
    login: (email, password) => b.call('POST', '/api/v1/auth/login', { email, password }),
  };
  return b;
}

/** Invites `email` to the business as the operator and accepts the invitation in a fresh browser. */
export async function businessUser(p: PlatformHandle, businessId: string, email: string, role: 'owner' | 'staff' = 'owner', password = GOOD_PASSWORD): Promise<Browser> {
  const inv = await p.admin('POST', `/admin/businesses/${businessId}/invitations`, { email, role });
  expect(inv.status, inv.text).toBe(201);
  const token = linkToken(inv.body.link);
  const b = browser(p);
  const res = await b.call('POST', '/api/v1/auth/invitations/accept', { token, password });
  expect(res.status, res.text).toBe(200);
  return b;
}

/** An operator account with a signed-in browser. */
export async function adminUser(p: TestPlatform, email = `ops-${Math.random().toString(36).slice(2, 8)}@kvittra.test`): Promise<Browser> {
  const created = await p.admin('POST', '/admin/users', { email, password: GOOD_PASSWORD });
  expect(created.status, created.text).toBe(201);
  const b = browser(p);
  expect((await b.login(email, GOOD_PASSWORD)).status).toBe(200);
  return b;
}
