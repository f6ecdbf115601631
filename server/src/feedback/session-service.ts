import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { FeedbackSessionsTable } from '../db/schema.js';
import { AppError } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { randomToken, safeEqual } from '../core/crypto.js';

export const SESSION_TTL_MS = 30 * 60 * 1000;
export type SessionRow = Selectable<FeedbackSessionsTable>;

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface PublicLocation {
  locationId: string;
  businessId: string;
  businessName: string;
  locationName: string;
  businessType: string;
}

/** Active location of an active business by its QR token or store code; anything else is "not found". */
export async function findPublicLocation(db: Db, by: { qrToken?: string; storeCode?: string }): Promise<PublicLocation> {
  let q = db.kysely
    .selectFrom('locations as l')
    .innerJoin('businesses as b', 'b.id', 'l.business_id')
    .select(['l.id as locationId', 'b.id as businessId', 'b.name as businessName', 'l.name as locationName', 'b.business_type as businessType'])
    .where('l.status', '=', 'active')
    .where('b.status', '=', 'active')
    // A business an operator has not approved (pending or rejected) is invisible to customers, like a disabled one.
    .where('b.approval_status', '=', 'approved');
  if (by.qrToken) q = q.where('l.qr_token', '=', by.qrToken);
  else if (by.storeCode) q = q.where('l.store_code', '=', by.storeCode);
  else throw new AppError('not_found', 'Unknown location.');
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError('not_found', 'Unknown or inactive location.');
  return row;
}

export interface CreatedSession {
  sessionId: string;
  sessionToken: string;
  expiresAt: string;
  channel: 'qr' | 'store_code';
}

export async function createSession(db: Db, loc: PublicLocation, opts: { channel: 'qr' | 'store_code'; locale: string; deviceHash: string | null; ipHash: string | null; consentVersion: string }): Promise<CreatedSession> {
  const token = randomToken(32);
  const now = new Date();
  const row = {
    id: newId(),
    business_id: loc.businessId,
    location_id: loc.locationId,
    channel: opts.channel,
    token_hash: hashToken(token),
    status: 'open',
    locale: opts.locale,
    expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    device_hash: opts.deviceHash,
    ip_hash: opts.ipHash,
    // The GDPR consent the customer gave for this session (see consent.ts).
    consent_version: opts.consentVersion,
    consented_at: now.toISOString(),
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  await db.writer.run((trx) => trx.insertInto('feedback_sessions').values(row).execute());
  return { sessionId: row.id, sessionToken: token, expiresAt: row.expires_at, channel: opts.channel };
}

/**
 * Every session call carries the token issued at creation (not just the id), compared in constant time.
 * An expired session answers 410 for steps that still need the customer; finished ones stay readable.
 */
export async function authenticateSession(db: Db, sessionId: string, token: string | undefined, opts: { allowExpired?: boolean } = {}): Promise<SessionRow> {
  if (!/^[0-9a-f-]{36}$/.test(sessionId)) throw new AppError('not_found', 'Unknown feedback session.');
  const row = await db.kysely.selectFrom('feedback_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'Unknown feedback session.');
  if (!token || !safeEqual(hashToken(token), row.token_hash)) throw new AppError('invalid_session_token');
  if (!opts.allowExpired && isExpired(row)) throw new AppError('session_expired');
  return row;
}

/** Past its 30 minutes, or already marked expired by the expiry job (whose clock may run ahead of ours). */
export function isExpired(row: SessionRow, now = new Date()): boolean {
  return row.status === 'expired' || (row.status !== 'completed' && row.expires_at < now.toISOString());
}

export async function setSessionStatus(db: Db, id: string, status: string): Promise<void> {
  await db.writer.run((trx) => trx.updateTable('feedback_sessions').set({ status, updated_at: nowIso() }).where('id', '=', id).execute());
}
