import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { maskPhone, normaliseSwedishMobile } from '../core/pii.js';
import { DateTime } from 'luxon';
import { bookIfReady } from '../rewards/reward-service.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import type { SessionRow } from './session-service.js';

/** Original product: at most three rewarded sessions per phone number and day. */
export const MAX_REWARDS_PER_PHONE_PER_DAY = 3;

/**
 * Registers the Swish number the reward is paid to (sealed at rest, hashed for counting), then books the
 * reward if nothing else holds it. A phone number that already collected three rewards today has this
 * one held for review instead of refused, so an honest regular is not turned away by a machine.
 */
export async function registerPayoutPhone(ctx: AppContext, session: SessionRow, rawPhone: string) {
  if (session.status !== 'completed') throw new AppError('session_state', 'Finish your feedback before registering a payout number.');
  const phone = normaliseSwedishMobile(rawPhone);
  if (!phone) throw new AppError('invalid_phone');
  const phoneHash = ctx.services.pii.hash('phone', phone);
  if (session.phone_hash && session.phone_hash !== phoneHash && session.channel === 'store_code') {
    throw new AppError('conflict', 'Store-code rewards are paid to the number given with the claim.');
  }
  const reward = await ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', session.id).executeTakeFirst();
  if (reward?.phone_hash && reward.phone_hash !== phoneHash && reward.status === 'approved') {
    throw new AppError('conflict', 'The reward is already booked to another number.');
  }
  const capped = reward ? await applyCustomerDailyCap(ctx, reward, phoneHash) : null;
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const today = await ctx.db.kysely
    .selectFrom('rewards')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('phone_hash', '=', phoneHash)
    .where('status', 'in', ['approved', 'awaiting_phone', 'held', 'awaiting_verification'])
    .where('created_at', '>=', since)
    .where('session_id', '!=', session.id)
    .executeTakeFirstOrThrow();
  const overLimit = Number(today.n) >= MAX_REWARDS_PER_PHONE_PER_DAY;
  const status = await ctx.db.writer.run(async (trx) => {
    await trx.updateTable('feedback_sessions').set({ phone_hash: phoneHash, phone_enc: ctx.services.pii.seal('phone', phone), updated_at: nowIso() }).where('id', '=', session.id).execute();
    if (!reward) return 'none';
    if (reward.status === 'approved' || reward.status === 'reversed' || reward.status === 'rejected') return reward.status;
    const next = overLimit && reward.status === 'awaiting_phone' ? 'held' : reward.status;
    await trx.updateTable('rewards').set({ phone_hash: phoneHash, status: next, amount_minor: capped ?? reward.amount_minor, updated_at: nowIso() }).where('id', '=', reward.id).execute();
    if (next === 'held' && overLimit) ctx.metrics.fraudSignals.inc({ code: 'velocity_phone' });
    return bookIfReady(ctx, trx, reward.id);
  });
  return { phone: maskPhone(phone), reward: { amountMinor: capped ?? reward?.amount_minor ?? 0, currency: 'SEK' as const, status } };
}

/** The per-customer daily cap can only be applied once the customer is known by phone number. */
async function applyCustomerDailyCap(ctx: AppContext, reward: { id: string; business_id: string; amount_minor: number; status: string }, phoneHash: string): Promise<number | null> {
  if (reward.status !== 'awaiting_phone' && reward.status !== 'held') return null;
  const { rewards } = await getBusinessSettings(ctx.db, reward.business_id);
  const since = DateTime.now().setZone('Europe/Stockholm').startOf('day').toUTC().toISO()!;
  const spent = await ctx.db.kysely
    .selectFrom('rewards')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_minor'), eb.lit(0)).as('total'))
    .where('phone_hash', '=', phoneHash)
    .where('status', 'in', ['approved', 'awaiting_phone', 'held'])
    .where('created_at', '>=', since)
    .where('id', '!=', reward.id)
    .executeTakeFirstOrThrow();
  const remaining = Math.max(0, rewards.perCustomerDailyCapMinor - Number(spent.total));
  return reward.amount_minor > remaining ? remaining : null;
}
