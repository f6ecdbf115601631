import type { AppContext } from '../http/context.js';
import type { Db } from '../db/database.js';
import { AppError, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { normaliseSwedishMobile } from '../core/pii.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';

export type BanKind = 'phone' | 'device' | 'ip';

export interface BanInput {
  kind: BanKind;
  /** Ban whatever this session's phone / device / IP was (the operator sees sessions, not raw values). */
  sessionId?: string;
  /** Or a Swedish mobile number (kind phone), a device id (kind device) or an IP address (kind ip). */
  value?: string;
  reason: string;
  expiresAt?: string;
}

const HASH_COLUMN = { phone: 'phone_hash', device: 'device_hash', ip: 'ip_hash' } as const;

function banDto(b: { id: string; kind: string; reason: string; status: string; created_by: string; created_at: string; expires_at: string | null; lifted_at: string | null }) {
  return { id: b.id, kind: b.kind as BanKind, reason: b.reason, status: b.status, createdBy: b.created_by, createdAt: b.created_at, expiresAt: b.expires_at, liftedAt: b.lifted_at };
}

async function hashFor(ctx: AppContext, input: BanInput): Promise<string> {
  if (input.sessionId) {
    const s = await ctx.db.kysely.selectFrom('feedback_sessions').select(['phone_hash', 'device_hash', 'ip_hash']).where('id', '=', input.sessionId).executeTakeFirst();
    if (!s) throw notFound('Feedback session');
    const hash = s[HASH_COLUMN[input.kind]];
    if (!hash) throw new AppError('conflict', `This session has no ${input.kind} to ban.`);
    return hash;
  }
  const raw = input.value?.trim() ?? '';
  if (input.kind === 'phone') {
    const phone = normaliseSwedishMobile(raw);
    if (!phone) throw new AppError('invalid_phone');
    return ctx.services.pii.hash('phone', phone);
  }
  if (!raw) throw new AppError('validation_failed', 'Give a sessionId or a value to ban.');
  return ctx.services.pii.hash(input.kind, raw);
}

export async function createBan(ctx: AppContext, input: BanInput, who: Actor) {
  const valueHash = await hashFor(ctx, input);
  const existing = await findActiveBan(ctx.db, { [input.kind]: valueHash });
  if (existing) throw new AppError('conflict', 'This is already banned.', { banId: existing.id });
  const row = { id: newId(), kind: input.kind, value_hash: valueHash, reason: input.reason, status: 'active', expires_at: input.expiresAt ?? null, created_by: who.actor, created_at: nowIso(), lifted_at: null, lifted_by: null };
  await ctx.db.writer.run(async (trx) => {
    await trx.insertInto('bans').values(row).execute();
    await recordAudit(trx, { ...who, action: 'ban.create', targetType: 'ban', targetId: row.id, details: { kind: input.kind, reason: input.reason, sessionId: input.sessionId ?? null } });
  });
  return banDto(row);
}

export async function liftBan(ctx: AppContext, banId: string, reason: string, who: Actor) {
  await ctx.db.writer.run(async (trx) => {
    const upd = await trx.updateTable('bans').set({ status: 'lifted', lifted_at: nowIso(), lifted_by: who.actor }).where('id', '=', banId).where('status', '=', 'active').executeTakeFirst();
    if (upd.numUpdatedRows === 0n) throw notFound('Active ban');
    await recordAudit(trx, { ...who, action: 'ban.lift', targetType: 'ban', targetId: banId, details: { reason } });
  });
  return banDto(await ctx.db.kysely.selectFrom('bans').selectAll().where('id', '=', banId).executeTakeFirstOrThrow());
}

export async function listBans(ctx: AppContext, status: 'active' | 'lifted' | undefined, limit: number, after: string | null) {
  let q = ctx.db.kysely.selectFrom('bans').selectAll().orderBy('id', 'desc').limit(limit + 1);
  if (status) q = q.where('status', '=', status);
  if (after) q = q.where('id', '<', after);
  return (await q.execute()).map(banDto);
}

/**
 * The active, unexpired ban matching any of these keyed hashes, if one exists. The customer flow calls this
 * (session creation: device and IP; payout: phone) to refuse banned customers. A kind may carry several
 * hashes (a device is both its X-Device-Id and its signed cookie).
 */
export async function findActiveBan(db: Db, hashes: Partial<Record<BanKind, string | readonly string[] | null>>, now = new Date()) {
  const pairs = (Object.entries(hashes) as [BanKind, string | readonly string[] | null | undefined][]).flatMap(([kind, v]) => (v == null ? [] : (typeof v === 'string' ? [v] : v).map((hash) => [kind, hash] as const)));
  if (pairs.length === 0) return null;
  const rows = await db.kysely
    .selectFrom('bans')
    .selectAll()
    .where('status', '=', 'active')
    .where((eb) => eb.or(pairs.map(([kind, hash]) => eb.and([eb('kind', '=', kind), eb('value_hash', '=', hash)]))))
    .execute();
  return rows.find((b) => !b.expires_at || b.expires_at > now.toISOString()) ?? null;
}

/** An active device ban on a device that registered this phone number for a payout: the Swish number is the person. */
export async function findDeviceBanForPhone(db: Db, phoneHash: string, now = new Date()) {
  const rows = await db.kysely
    .selectFrom('bans as b')
    .innerJoin('feedback_sessions as s', 's.device_hash', 'b.value_hash')
    .selectAll('b')
    .where('s.phone_hash', '=', phoneHash)
    .where('b.kind', '=', 'device')
    .where('b.status', '=', 'active')
    .limit(20)
    .execute();
  return rows.find((b) => !b.expires_at || b.expires_at > now.toISOString()) ?? null;
}
