import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { normaliseSwedishMobile } from '../core/pii.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { ANONYMISED_TEXT, scrubScoreDetails } from './retention.js';


function phoneHashOf(ctx: AppContext, raw: string): string {
  const phone = normaliseSwedishMobile(raw);
  if (!phone) throw new AppError('invalid_phone');
  return ctx.services.pii.hash('phone', phone);
}

/** Art. 15 access: everything we hold that is linked to a phone number, in one JSON document. */
export async function exportPersonalData(ctx: AppContext, rawPhone: string, who: Actor) {
  const phoneHash = phoneHashOf(ctx, rawPhone);
  const sessions = await ctx.db.kysely
    .selectFrom('feedback_sessions as s')
    .innerJoin('businesses as b', 'b.id', 's.business_id')
    .select(['s.id', 'b.name as businessName', 's.created_at', 's.status', 's.purchase_amount_minor', 's.purchased_at', 's.score', 's.categories', 's.language'])
    .where('s.phone_hash', '=', phoneHash)
    .orderBy('s.created_at')
    .execute();
  const ids = sessions.map((s) => s.id);
  const turns = ids.length ? await ctx.db.kysely.selectFrom('feedback_turns').select(['session_id', 'role', 'text', 'source', 'created_at']).where('session_id', 'in', ids).orderBy('session_id').orderBy('seq').execute() : [];
  const rewards = await ctx.db.kysely.selectFrom('rewards').select(['session_id', 'amount_minor', 'tier', 'status', 'created_at']).where('phone_hash', '=', phoneHash).execute();
  const payouts = await ctx.db.kysely.selectFrom('payouts').select(['id', 'amount_minor', 'status', 'paid_at', 'created_at']).where('phone_hash', '=', phoneHash).execute();
  await ctx.db.writer.run((trx) => recordAudit(trx, { ...who, action: 'gdpr.export', targetType: 'data_subject', targetId: phoneHash.slice(0, 12), details: { sessions: sessions.length } }));
  return {
    generatedAt: nowIso(),
    phone: normaliseSwedishMobile(rawPhone),
    sessions: sessions.map((s) => ({ ...s, categories: s.categories ? (JSON.parse(s.categories) as unknown) : [], conversation: turns.filter((t) => t.session_id === s.id).map(({ session_id: _s, ...t }) => t) })),
    rewards,
    payouts,
    notes: 'Voice recordings are never stored. IP addresses and device ids are kept only as keyed hashes for fraud prevention.',
  };
}

/**
 * Art. 17 erasure: feedback text, the sealed phone number and the device/IP hashes of the person's
 * sessions are removed. Payout records keep their sealed number while Swedish bookkeeping law requires
 * them (Art. 17(3)(b)); amounts and scores stay as anonymous statistics.
 */
export async function erasePersonalData(ctx: AppContext, rawPhone: string, reason: string, who: Actor) {
  const phoneHash = phoneHashOf(ctx, rawPhone);
  return ctx.db.writer.run(async (trx) => {
    const sessions = await trx.selectFrom('feedback_sessions').select('id').where('phone_hash', '=', phoneHash).execute();
    const ids = sessions.map((s) => s.id);
    if (ids.length > 0) {
      await trx.updateTable('feedback_turns').set({ text: ANONYMISED_TEXT }).where('session_id', 'in', ids).execute();
      await trx.deleteFrom('text_fingerprints').where('session_id', 'in', ids).execute();
      await trx.updateTable('feedback_sessions').set({ phone_enc: null, device_hash: null, ip_hash: null, anonymised_at: nowIso(), updated_at: nowIso() }).where('id', 'in', ids).execute();
      // Answers to the business's questions are quoted from the customer's words.
      const details = await trx.selectFrom('feedback_sessions').select(['id', 'score_details']).where('id', 'in', ids).where('score_details', 'is not', null).execute();
      for (const d of details) await trx.updateTable('feedback_sessions').set({ score_details: scrubScoreDetails(d.score_details!) }).where('id', '=', d.id).execute();
    }
    const retainedPayouts = await trx.selectFrom('payouts').select((eb) => eb.fn.countAll<number>().as('n')).where('phone_hash', '=', phoneHash).executeTakeFirstOrThrow();
    await recordAudit(trx, { ...who, action: 'gdpr.erasure', targetType: 'data_subject', targetId: phoneHash.slice(0, 12), details: { sessions: ids.length, reason } });
    return { erasedSessions: ids.length, retainedPayoutRecords: Number(retainedPayouts.n) };
  });
}
