import type { Db } from '../db/database.js';
import { newId } from '../core/ids.js';
import { randomToken } from '../core/crypto.js';
import { sha256 } from './tokens.js';

export const SESSION_COOKIE = 'kvittra_session';
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
/** Sliding expiry is written at most this often, so reads do not turn every request into a write. */
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export interface BrowserSession {
  id: string;
  userId: string;
  csrfToken: string;
  expiresAt: string;
}

export function cookieOptions(publicBaseUrl: string, expires?: Date) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: publicBaseUrl.startsWith('https://'),
    ...(expires ? { expires } : {}),
  };
}

/** A fresh session (login, invitation acceptance): new random token, new CSRF token. */
export async function createBrowserSession(db: Db, userId: string, meta: { ip: string | null; userAgent: string | null }): Promise<BrowserSession & { token: string }> {
  const token = randomToken(32);
  const now = Date.now();
  const row = {
    id: newId(),
    token_hash: sha256(token),
    user_id: userId,
    csrf_token: randomToken(24),
    expires_at: new Date(now + SESSION_IDLE_MS).toISOString(),
    absolute_expires_at: new Date(now + SESSION_ABSOLUTE_MS).toISOString(),
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
    created_at: new Date(now).toISOString(),
    last_seen_at: new Date(now).toISOString(),
  };
  await db.writer.run((trx) => trx.insertInto('auth_sessions').values(row).execute());
  return { id: row.id, userId, csrfToken: row.csrf_token, expiresAt: row.expires_at, token };
}

/** The live session for a cookie value, extending its idle expiry; null when unknown or expired. */
export async function findBrowserSession(db: Db, token: string, now = new Date()): Promise<BrowserSession | null> {
  if (token.length < 20 || token.length > 100) return null;
  const row = await db.kysely.selectFrom('auth_sessions').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!row) return null;
  const nowIso = now.toISOString();
  if (row.expires_at <= nowIso || row.absolute_expires_at <= nowIso) {
    await db.writer.run((trx) => trx.deleteFrom('auth_sessions').where('id', '=', row.id).execute());
    return null;
  }
  let expiresAt = row.expires_at;
  if (now.getTime() - Date.parse(row.last_seen_at) > TOUCH_EVERY_MS) {
    const idle = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
    expiresAt = idle < row.absolute_expires_at ? idle : row.absolute_expires_at;
    await db.writer.run((trx) => trx.updateTable('auth_sessions').set({ expires_at: expiresAt, last_seen_at: nowIso }).where('id', '=', row.id).execute());
  }
  return { id: row.id, userId: row.user_id, csrfToken: row.csrf_token, expiresAt };
}

export async function deleteBrowserSession(db: Db, id: string): Promise<void> {
  await db.writer.run((trx) => trx.deleteFrom('auth_sessions').where('id', '=', id).execute());
}
