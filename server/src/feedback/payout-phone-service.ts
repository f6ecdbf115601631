import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { maskPhone, normaliseSwedishMobile } from '../core/pii.js';
import { DateTime } from 'luxon';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { bookIfReady } from '../rewards/reward-service.js';
import { lockCustomer } from '../rewards/ledger-store.js';
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
  const { rewards: settings } = await getBusinessSettings(ctx.db, session.business_id);
  // Everything that decides the amount and status is read inside the write, under the customer's
  // ledger lock: a refund claw-back or a second registration for the same number that runs meanwhile
  // must not be overwritten by a stale read (it could revive a reversed reward or exceed the daily cap).
  const outcome = await ctx.db.writer.run(async (trx) => {
    await trx.updateTable('feedback_sessions').set({ phone_hash: phoneHash, phone_enc: ctx.services.pii.seal('phone', phone), updated_at: nowIso() }).where('id', '=', session.id).execute();
    if (!reward) return { status: 'none', amountMinor: 0 };
    // Lock order everywhere: reward row, then the customer's ledger lock.
    let q = trx.selectFrom('rewards').selectAll().where('id', '=', reward.id);
    if (ctx.db.dialect === 'postgres') q = q.forUpdate();
    const current = await q.executeTakeFirstOrThrow();
    await lockCustomer(trx, ctx.db.dialect, phoneHash);
    if (current.status === 'approved' || current.status === 'reversed' || current.status === 'rejected') return { status: current.status, amountMinor: current.amount_minor };
    const capped = await applyCustomerDailyCap(trx, current, phoneHash, settings.perCustomerDailyCapMinor);
    const amountMinor = capped ?? current.amount_minor;
    const since = new Date(Date.now() - 86_400_000).toISOString();
    const today = await trx
      .selectFrom('rewards')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_hash', '=', phoneHash)
      .where('status', 'in', ['approved', 'awaiting_phone', 'held', 'awaiting_verification'])
      .where('created_at', '>=', since)
      .where('session_id', '!=', session.id)
      .executeTakeFirstOrThrow();
    const overLimit = Number(today.n) >= MAX_REWARDS_PER_PHONE_PER_DAY;
    // A reward the daily cap cut to nothing is no reward: it must not sit in awaiting_phone forever.
    const next = amountMinor <= 0 && (current.status === 'awaiting_phone' || current.status === 'held') ? 'none' : overLimit && current.status === 'awaiting_phone' ? 'held' : current.status;
    await trx.updateTable('rewards').set({ phone_hash: phoneHash, status: next, amount_minor: amountMinor, updated_at: nowIso() }).where('id', '=', current.id).execute();
    if (next === 'held' && overLimit) ctx.metrics.fraudSignals.inc({ code: 'velocity_phone' });
    return { status: await bookIfReady(ctx, trx, current.id), amountMinor };
  });
  return { phone: maskPhone(phone), reward: { amountMinor: outcome.amountMinor, currency: 'SEK' as const, status: outcome.status } };
}

/** The per-customer daily cap can only be applied once the customer is known by phone number. */
async function applyCustomerDailyCap(trx: Transaction<Database>, reward: { id: string; amount_minor: number; status: string }, phoneHash: string, capMinor: number): Promise<number | null> {
  if (reward.status !== 'awaiting_phone' && reward.status !== 'held') return null;
  const since = DateTime.now().setZone('Europe/Stockholm').startOf('day').toUTC().toISO()!;
  const spent = await trx
    .selectFrom('rewards')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_minor'), eb.lit(0)).as('total'))
    .where('phone_hash', '=', phoneHash)
    .where('status', 'in', ['approved', 'awaiting_phone', 'held'])
    .where('created_at', '>=', since)
    .where('id', '!=', reward.id)
    .executeTakeFirstOrThrow();
  const remaining = Math.max(0, capMinor - Number(spent.total));
  return reward.amount_minor > remaining ? remaining : null;
}
