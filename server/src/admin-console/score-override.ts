import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { computeRewardFor, bookIfReady } from '../rewards/reward-service.js';

/** Rewards that are promised but not yet booked to the customer's balance: these can still be recomputed. */
const RECOMPUTABLE = ['awaiting_phone', 'awaiting_verification', 'held', 'none'];

/**
 * An operator corrects a session's quality score. The reward is recomputed with the business's own rules
 * (tiers, caps, budgets — excluding this reward's own share) when it has not been booked yet; a booked reward
 * would need a ledger reversal, so that is refused rather than silently leaving the ledger inconsistent.
 */
export async function overrideScore(ctx: AppContext, sessionId: string, score: number, reason: string, who: Actor) {
  const session = await ctx.db.kysely.selectFrom('feedback_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!session) throw notFound('Feedback session');
  if (session.score === null) throw new AppError('session_state', 'Only scored feedback can be overridden.');
  const reward = await ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  if (reward && !RECOMPUTABLE.includes(reward.status)) throw new AppError('conflict', `The reward is already ${reward.status}; it can no longer be recomputed.`);
  const amountMinor = session.purchase_amount_minor;
  const recomputed = reward && amountMinor !== null ? await computeRewardFor(ctx, { businessId: session.business_id, score, amountMinor, currency: 'SEK', phoneHash: reward.phone_hash, excludeRewardId: reward.id }) : null;
  const result = await ctx.db.writer.run(async (trx) => {
    await trx.updateTable('feedback_sessions').set({ score, updated_at: nowIso() }).where('id', '=', sessionId).execute();
    await trx.insertInto('score_overrides').values({ id: newId(), session_id: sessionId, business_id: session.business_id, previous_score: session.score, score, reason, actor: who.actor, created_at: nowIso() }).execute();
    let next: { amountMinor: number; tier: string; status: string } | null = null;
    if (reward && recomputed) {
      // A reward that had nothing to pay and now earns something waits for the phone number like any other.
      const status = recomputed.amountMinor <= 0 ? 'none' : reward.status === 'none' ? 'awaiting_phone' : reward.status;
      await trx.updateTable('rewards').set({ amount_minor: recomputed.amountMinor, bps: recomputed.bps, tier: recomputed.tier.name, status, updated_at: nowIso() }).where('id', '=', reward.id).where('status', '=', reward.status).execute();
      const finalStatus = status === 'awaiting_phone' ? await bookIfReady(ctx, trx, reward.id) : status;
      next = { amountMinor: recomputed.amountMinor, tier: recomputed.tier.name, status: finalStatus };
    }
    await recordAudit(trx, { ...who, action: 'feedback.score_override', targetType: 'feedback_session', targetId: sessionId, details: { previousScore: session.score, score, reason, rewardBefore: reward ? reward.amount_minor : null, rewardAfter: next?.amountMinor ?? null } });
    return next;
  });
  return { sessionId, previousScore: session.score, score, reward: result };
}
