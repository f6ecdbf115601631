import { DateTime } from 'luxon';
import type { AppContext } from '../http/context.js';
import { newId, nowIso } from '../core/ids.js';

/**
 * Review reminders by e-mail (ctx.services.mail) to the business's contact address: one mail per
 * business and sweep listing the claims that reached a reminder point (default 7, 3 and 1 days before
 * the deadline). Each (claim, reminder point) is recorded in store_review_reminders under a unique key
 * before the mail goes out, so overlapping sweeps mail it once; if the mail cannot be sent the record
 * is withdrawn and the next sweep tries again.
 */

export interface DueReminder {
  claimId: string;
  businessId: string;
  deadlineAt: string;
  amountMinor: number;
  /** How many reminder points the claim has reached (the new reminders_sent). */
  level: number;
  /** The reminder point reached, in days before the deadline. */
  daysBefore: number;
  previousLevel: number;
}

/** Which reminder point (if any) is newly due: levels are counted from the earliest (largest) point. */
export function dueReminder(reminderDaysBefore: readonly number[], daysLeft: number, remindersSent: number): { level: number; daysBefore: number } | null {
  const reached = [...new Set(reminderDaysBefore)].sort((a, b) => b - a).filter((d) => daysLeft <= d);
  if (reached.length <= remindersSent || reached.length === 0) return null;
  return { level: reached.length, daysBefore: reached[reached.length - 1]! };
}

/** Claims the reminder points in the database; returns the ones this sweep won. */
async function claimReminders(ctx: AppContext, businessId: string, due: DueReminder[], sentTo: string): Promise<DueReminder[]> {
  return ctx.db.writer.run(async (trx) => {
    const won: DueReminder[] = [];
    for (const d of due) {
      const upd = await trx.updateTable('store_claims').set({ reminders_sent: d.level }).where('id', '=', d.claimId).where('status', '=', 'pending').where('reminders_sent', '<', d.level).executeTakeFirst();
      if (upd.numUpdatedRows === 0n) continue;
      await trx.insertInto('store_review_reminders').values({ id: newId(), business_id: businessId, claim_id: d.claimId, days_before: d.daysBefore, sent_to: sentTo, sent_at: nowIso() }).onConflict((oc) => oc.columns(['claim_id', 'days_before']).doNothing()).execute();
      won.push(d);
    }
    return won;
  });
}

async function withdraw(ctx: AppContext, claims: DueReminder[]): Promise<void> {
  await ctx.db.writer.run(async (trx) => {
    for (const d of claims) {
      await trx.deleteFrom('store_review_reminders').where('claim_id', '=', d.claimId).where('days_before', '=', d.daysBefore).execute();
      await trx.updateTable('store_claims').set({ reminders_sent: d.previousLevel }).where('id', '=', d.claimId).where('reminders_sent', '=', d.level).execute();
    }
  });
}

export function reminderMail(businessName: string, claims: readonly DueReminder[], reviewUrl: string) {
  const first = [...claims].sort((a, b) => (a.deadlineAt < b.deadlineAt ? -1 : 1))[0]!;
  const deadline = DateTime.fromISO(first.deadlineAt).setZone('Europe/Stockholm').toISODate()!;
  const n = claims.length;
  return {
    subject: `Påminnelse: ${n} ${n === 1 ? 'köp' : 'köp'} väntar på granskning (senast ${deadline})`,
    text: [
      `Hej ${businessName}!`,
      '',
      `${n} ${n === 1 ? 'kund har' : 'kunder har'} lämnat feedback med butikskoden och väntar på att ni bekräftar köpet. Första sista dag: ${deadline}.`,
      'Exportera listan (CSV eller Excel), markera varje rad verifierad eller avvisad och importera filen igen.',
      'Efter sista dag tillämpas er standardinställning automatiskt.',
      '',
      reviewUrl,
      '',
      '— Kvittra',
    ].join('\n'),
  };
}

/** Sends the due reminders, one mail per business; returns how many claims were reminded. */
export async function sendReviewReminders(ctx: AppContext, due: readonly DueReminder[]): Promise<number> {
  const byBusiness = new Map<string, DueReminder[]>();
  for (const d of due) byBusiness.set(d.businessId, [...(byBusiness.get(d.businessId) ?? []), d]);
  let reminded = 0;
  for (const [businessId, claims] of byBusiness) {
    const business = await ctx.db.kysely.selectFrom('businesses').select(['name', 'email']).where('id', '=', businessId).executeTakeFirst();
    if (!business) continue;
    const won = await claimReminders(ctx, businessId, claims, business.email);
    if (won.length === 0) continue;
    const mail = reminderMail(business.name, won, `${ctx.config.publicBaseUrl}/admin/businesses/${businessId}/store-claims`);
    try {
      await ctx.services.mail.send({ to: business.email, ...mail });
      reminded += won.length;
    } catch (err) {
      ctx.log.error({ err, businessId }, 'store review reminder mail failed; will retry on the next sweep');
      await withdraw(ctx, won);
    }
  }
  return reminded;
}
