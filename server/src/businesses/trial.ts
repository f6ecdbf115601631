import type { Db } from '../db/database.js';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { getBusinessRow } from './business-service.js';

/**
 * A new business starts in a trial that ends after TRIAL_FEEDBACKS scored feedbacks or TRIAL_DAYS
 * days, whichever comes first. During the trial the platform charges no commission (rewards are still
 * paid and invoiced at cost). Once the trial is over without activation the QR codes keep working and
 * customers can still give feedback, but no reward is promised: the business has not agreed to pay
 * for them, and the customer app is told up front (rewardsAvailable: false) rather than after writing.
 * An operator activates the plan (or extends the trial); both are audited.
 *
 * A business without a trial row is in its default trial from its creation; rows are written on the
 * first extend/activate (and migration 003 gave pre-existing businesses an activated row).
 */

export type TrialState = 'trial' | 'active' | 'expired';

export interface TrialTerms {
  startedAt: string;
  endsAt: string;
  maxFeedbacks: number;
  activatedAt: string | null;
  activatedBy: string | null;
}

export interface TrialStatus extends TrialTerms {
  state: TrialState;
  feedbacksUsed: number;
  feedbacksLeft: number;
  /** When the commission-free period ended (activation, the last trial feedback or endsAt); null while it runs. */
  commissionFreeUntil: string | null;
  rewardsAvailable: boolean;
}

/**
 * Pure: the trial's state from its terms and the times of the business's scored feedbacks (ascending;
 * at most maxFeedbacks + 1 are needed). A feedback counts toward the trial if it was scored before
 * activation and within the trial days; the maxFeedbacks-th one is the last trial feedback.
 */
export function evaluateTrial(terms: TrialTerms, scoredTimes: readonly string[], now: Date): TrialStatus {
  const nowIsoStr = now.toISOString();
  const cutoff = [terms.endsAt, terms.activatedAt].filter((t): t is string => t !== null).sort()[0]!;
  const inTrial = scoredTimes.filter((t) => t < cutoff);
  const feedbacksUsed = Math.min(inTrial.length, terms.maxFeedbacks);
  const lastTrialFeedback = inTrial.length >= terms.maxFeedbacks ? (terms.maxFeedbacks === 0 ? terms.startedAt : inTrial[terms.maxFeedbacks - 1]!) : null;
  const endCandidates = [terms.endsAt, terms.activatedAt, lastTrialFeedback].filter((t): t is string => t !== null).sort();
  const ended = endCandidates[0]! <= nowIsoStr || lastTrialFeedback !== null;
  const state: TrialState = terms.activatedAt !== null && terms.activatedAt <= nowIsoStr ? 'active' : ended ? 'expired' : 'trial';
  return {
    ...terms,
    state,
    feedbacksUsed,
    feedbacksLeft: state === 'trial' ? terms.maxFeedbacks - feedbacksUsed : 0,
    commissionFreeUntil: state === 'trial' ? null : endCandidates[0]!,
    rewardsAvailable: state !== 'expired',
  };
}

/** Whether a feedback scored at `scoredAt` falls in the commission-free trial. */
export function isCommissionFree(status: TrialStatus, scoredAt: string | null): boolean {
  if (scoredAt === null) return false;
  return status.commissionFreeUntil === null ? status.state === 'trial' : scoredAt <= status.commissionFreeUntil;
}

async function trialTerms(ctx: AppContext, businessId: string): Promise<TrialTerms> {
  const row = await ctx.db.kysely.selectFrom('business_trials').selectAll().where('business_id', '=', businessId).executeTakeFirst();
  if (row) return { startedAt: row.started_at, endsAt: row.ends_at, maxFeedbacks: row.max_feedbacks, activatedAt: row.activated_at, activatedBy: row.activated_by };
  const business = await getBusinessRow(ctx.db, businessId);
  const endsAt = new Date(Date.parse(business.created_at) + ctx.config.trial.days * 86_400_000).toISOString();
  return { startedAt: business.created_at, endsAt, maxFeedbacks: ctx.config.trial.feedbacks, activatedAt: null, activatedBy: null };
}

async function scoredTimes(db: Db, businessId: string, limit: number, before?: string): Promise<string[]> {
  let q = db.kysely.selectFrom('feedback_sessions').select('scored_at').where('business_id', '=', businessId).where('scored_at', 'is not', null);
  if (before) q = q.where('scored_at', '<', before);
  const rows = await q.orderBy('scored_at').limit(limit).execute();
  return rows.map((r) => r.scored_at!);
}

export async function getTrialStatus(ctx: AppContext, businessId: string, now = new Date()): Promise<TrialStatus> {
  const terms = await trialTerms(ctx, businessId);
  // Only the first maxFeedbacks + 1 scored feedbacks can matter.
  return evaluateTrial(terms, await scoredTimes(ctx.db, businessId, terms.maxFeedbacks + 1), now);
}

/** The trial as it stood when a feedback was scored (for rewards recomputed later, e.g. after the shop's review). */
export async function trialStatusAt(ctx: AppContext, businessId: string, at: string): Promise<TrialStatus> {
  const terms = await trialTerms(ctx, businessId);
  return evaluateTrial(terms, await scoredTimes(ctx.db, businessId, terms.maxFeedbacks + 1, at), new Date(at));
}

async function saveTerms(ctx: AppContext, businessId: string, terms: TrialTerms, audit: { who: Actor; action: string; details: Record<string, unknown> }) {
  const now = nowIso();
  const values = { business_id: businessId, started_at: terms.startedAt, ends_at: terms.endsAt, max_feedbacks: terms.maxFeedbacks, activated_at: terms.activatedAt, activated_by: terms.activatedBy, updated_at: now };
  await ctx.db.writer.run(async (trx) => {
    await trx
      .insertInto('business_trials')
      .values(values)
      .onConflict((oc) => oc.column('business_id').doUpdateSet({ ends_at: values.ends_at, max_feedbacks: values.max_feedbacks, activated_at: values.activated_at, activated_by: values.activated_by, updated_at: now }))
      .execute();
    await recordAudit(trx, { ...audit.who, action: audit.action, targetType: 'business', targetId: businessId, details: audit.details });
  });
}

/** Starts the paid plan now (ends the commission-free trial). Idempotent: an active plan stays as it was. */
export async function activatePlan(ctx: AppContext, businessId: string, who: Actor): Promise<TrialStatus> {
  const terms = await trialTerms(ctx, businessId);
  if (terms.activatedAt === null) await saveTerms(ctx, businessId, { ...terms, activatedAt: nowIso(), activatedBy: who.actor }, { who, action: 'business.trial.activate', details: {} });
  return getTrialStatus(ctx, businessId);
}

/** Gives more trial days and/or feedbacks (also reopens an expired trial). Not possible once activated. */
export async function extendTrial(ctx: AppContext, businessId: string, extra: { days?: number; feedbacks?: number }, who: Actor): Promise<TrialStatus> {
  const terms = await trialTerms(ctx, businessId);
  if (terms.activatedAt !== null) throw new AppError('conflict', 'The plan is already active; there is no trial to extend.');
  // Extra days count from the later of the current end and now, so extending an expired trial gives real days.
  const base = Math.max(Date.parse(terms.endsAt), extra.days ? Date.now() : 0);
  const next = { ...terms, endsAt: new Date(base + (extra.days ?? 0) * 86_400_000).toISOString(), maxFeedbacks: terms.maxFeedbacks + (extra.feedbacks ?? 0) };
  await saveTerms(ctx, businessId, next, { who, action: 'business.trial.extend', details: { days: extra.days ?? 0, feedbacks: extra.feedbacks ?? 0, endsAt: next.endsAt, maxFeedbacks: next.maxFeedbacks } });
  return getTrialStatus(ctx, businessId);
}

export function trialDto(s: TrialStatus) {
  return {
    state: s.state,
    startedAt: s.startedAt,
    endsAt: s.endsAt,
    maxFeedbacks: s.maxFeedbacks,
    feedbacksUsed: s.feedbacksUsed,
    feedbacksLeft: s.feedbacksLeft,
    commissionFreeUntil: s.commissionFreeUntil,
    rewardsAvailable: s.rewardsAvailable,
    activatedAt: s.activatedAt,
    activatedBy: s.activatedBy,
  };
}
