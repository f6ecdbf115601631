/**
 * Passwords and logs of the built server. Password hashing is @node-rs/argon2, a native addon kept
 * external and imported on the first password operation: an invited user sets a password and signs in
 * through the shipped server, a wrong password is refused, and the stored hash is argon2id. pino is
 * bundled but must find its own files in node_modules (OWN_DIRNAME in bundle-config.mjs); its JSON
 * lines must reach stdout. pino requires the external thread-stream as it loads (pino/lib/transport.js,
 * at every start, although the server starts no transport worker), so logging at all proves it resolved.
 *
 * @covers @node-rs/argon2, pino, thread-stream
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';
import { createBusiness } from '../helpers/fixtures.js';
import { browser, GOOD_PASSWORD, linkToken } from '../helpers/accounts.js';

/** Invites `email` to a new business and returns the token of the link the admin API answers with. */
async function invitationToken(p: ServedPlatform, email: string): Promise<{ businessId: string; token: string }> {
  const { id } = await createBusiness(p, { name: 'Kafé Lösen' });
  const inv = await p.admin('POST', `/admin/businesses/${id}/invitations`, { email, role: 'owner' });
  expect(inv.status, inv.text).toBe(201);
  return { businessId: id, token: linkToken(inv.body.link) };
}

/** The server's stdout as parsed JSON log lines (the start-up banner and other plain text skipped). */
function jsonLogLines(p: ServedPlatform): Record<string, unknown>[] {
  return p.server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('argon2 passwords and JSON logs in the built server', () => {
  let p: ServedPlatform;

  beforeAll(async () => {
    p = await startServedPlatform({ LOG_LEVEL: 'info' }, 'accounts server');
  });
  afterAll(async () => p?.stop());

  it('an invited user sets a password (stored as argon2id) and signs in with it; a wrong password is refused', async () => {
    const email = 'agare@kafe-losen.test';
    const { businessId, token } = await invitationToken(p, email);
    const accepted = await browser(p).call('POST', '/api/v1/auth/invitations/accept', { token, password: GOOD_PASSWORD });
    expect(accepted.status, accepted.text).toBe(200);

    const user = await p.ctx.db.kysely.selectFrom('users').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow();
    // OWASP's baseline that passwords.ts asks for: 19 MiB, 2 passes, 1 lane.
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);

    const wrong = await p.api('POST', '/api/v1/auth/login', { email, password: 'Fel-lösenord-123' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');

    const b = browser(p);
    const login = await b.login(email, GOOD_PASSWORD);
    expect(login.status, login.text).toBe(200);
    const me = await b.call('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email, memberships: [{ businessId, role: 'owner' }] });
  });

  it('writes pino JSON lines to stdout, one per request with its request id', async () => {
    const requestId = `shipped-log-probe-${Date.now()}`;
    const res = await p.api('GET', '/health', undefined, { 'x-request-id': requestId });
    expect(res.headers.get('x-request-id')).toBe(requestId);
    await expect.poll(() => jsonLogLines(p).find((l) => l.reqId === requestId && l.msg === 'request completed'), { timeout: 5_000 }).toMatchObject({
      level: 'info',
      service: 'kvittra',
      pid: p.server.pid,
      reqId: requestId,
      res: { statusCode: res.status },
    });
  });
});
