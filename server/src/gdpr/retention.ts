import type { AppContext } from '../http/context.js';
import { nowIso } from '../core/ids.js';

export const ANONYMISED_TEXT = '[anonymiserad]';

/**
 * score_details keeps the scorer's explanation for statistics; the only free text in it is the
 * excerpt of the customer's answer to each business question (`questionAnswers[].summary`), which is
 * replaced by the marker. Anything unparseable is left as it is (it was written by us, as JSON).
 */
export function scrubScoreDetails(json: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json;
  }
  const answers = (parsed as { questionAnswers?: unknown } | null)?.questionAnswers;
  if (!Array.isArray(answers)) return json;
  const scrubbed = answers.map((a: unknown) => (a && typeof a === 'object' && typeof (a as { summary?: unknown }).summary === 'string' && (a as { summary: string }).summary !== '' ? { ...a, summary: ANONYMISED_TEXT } : a));
  return JSON.stringify({ ...(parsed as object), questionAnswers: scrubbed });
}

/**
 * Retention (GDPR storage limitation): feedback text older than DATA_RETENTION_DAYS is replaced by a
 * marker (scores, categories and money stay for statistics and bookkeeping); a session's phone number is
 * erased PHONE_RETENTION_DAYS_AFTER_PAYOUT days after its reward was paid out or could no longer be paid.
 * Payout rows keep their sealed number: they are bookkeeping records (bokföringslagen, 7 years).
 * Voice is never stored, so there is nothing to delete for it.
 */
export async function runRetention(ctx: AppContext, now = new Date()): Promise<{ anonymisedSessions: number; phonesErased: number }> {
  const { dataRetentionDays, phoneRetentionDaysAfterPayout } = ctx.config.retention;
  const textCutoff = new Date(now.getTime() - dataRetentionDays * 86_400_000).toISOString();
  const phoneCutoff = new Date(now.getTime() - phoneRetentionDaysAfterPayout * 86_400_000).toISOString();
  return ctx.db.writer.run(async (trx) => {
    const old = await trx.selectFrom('feedback_sessions').select('id').where('created_at', '<', textCutoff).where('anonymised_at', 'is', null).limit(5000).execute();
    const ids = old.map((s) => s.id);
    if (ids.length > 0) {
      await trx.updateTable('feedback_turns').set({ text: ANONYMISED_TEXT }).where('session_id', 'in', ids).execute();
      await trx.deleteFrom('text_fingerprints').where('session_id', 'in', ids).execute();
      await trx.updateTable('feedback_sessions').set({ anonymised_at: nowIso(), device_hash: null, ip_hash: null }).where('id', 'in', ids).execute();
      // The stored score details quote the customer (answers to the business's own questions).
      const details = await trx.selectFrom('feedback_sessions').select(['id', 'score_details']).where('id', 'in', ids).where('score_details', 'is not', null).execute();
      for (const row of details) {
        const scrubbed = scrubScoreDetails(row.score_details!);
        if (scrubbed !== row.score_details) await trx.updateTable('feedback_sessions').set({ score_details: scrubbed }).where('id', '=', row.id).execute();
      }
    }
    // Phone numbers whose reward has left the platform (paid batch) or will never be paid.
    const erasable = await trx
      .selectFrom('feedback_sessions as s')
      .leftJoin('rewards as r', 'r.session_id', 's.id')
      .select('s.id')
      .where('s.phone_enc', 'is not', null)
      .where('s.updated_at', '<', phoneCutoff)
      .where((eb) =>
        eb.or([
          eb('r.status', 'in', ['rejected', 'reversed', 'none']),
          eb('r.id', 'is', null),
          eb.and([
            eb('r.status', '=', 'approved'),
            eb.not(eb.exists(eb.selectFrom('payouts as p').select('p.id').whereRef('p.phone_hash', '=', 's.phone_hash').where('p.status', '!=', 'paid'))),
            eb.exists(eb.selectFrom('payouts as p2').select('p2.id').whereRef('p2.phone_hash', '=', 's.phone_hash').where('p2.status', '=', 'paid').where('p2.paid_at', '<', phoneCutoff)),
          ]),
        ]),
      )
      .limit(5000)
      .execute();
    if (erasable.length > 0) await trx.updateTable('feedback_sessions').set({ phone_enc: null }).where('id', 'in', erasable.map((s) => s.id)).execute();
    return { anonymisedSessions: ids.length, phonesErased: erasable.length };
  });
}

/** Sessions past their 30 minutes that never finished: expired, and an unused purchase claim released. */
export async function expireSessions(ctx: AppContext, now = new Date()): Promise<number> {
  return ctx.db.writer.run(async (trx) => {
    const stale = await trx.selectFrom('feedback_sessions').select(['id', 'channel']).where('status', 'in', ['open', 'verified', 'in_conversation']).where('expires_at', '<', now.toISOString()).limit(5000).execute();
    if (stale.length === 0) return 0;
    const ids = stale.map((s) => s.id);
    // QR claims are released so the customer can try again; store-code claims stay with the shop's review.
    await trx.updateTable('feedback_sessions').set({ status: 'expired', transaction_id: null, updated_at: nowIso() }).where('id', 'in', ids).execute();
    return ids.length;
  });
}
