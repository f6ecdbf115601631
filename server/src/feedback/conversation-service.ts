import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { ScoringUnavailableError, type ConversationTurn, type FollowUpQuestion, type ScoreResult, type ScoringContext } from '../scoring/types.js';
import { CATEGORY_PROMPTS, localizeBusinessQuestion } from '../scoring/follow-up.js';
import { detectLanguage } from '../scoring/language.js';
import { assessSessionRisk, storeFingerprints, type RiskAssessment } from '../fraud/fraud-service.js';
import { computeRewardFor, insertReward, bookIfReady } from '../rewards/reward-service.js';
import { moneyReviewFindings, type ReviewFinding } from '../rewards/review-rules.js';
import { loadScoringContext } from './scoring-context.js';
import type { FeedbackInput } from './feedback-input.js';
import type { SessionRow } from './session-service.js';
import { emitFeedbackScored, emitRewardCreated } from '../delivery/hooks.js';

export const MAX_FOLLOW_UPS = 2;
const OPEN_FOR_FEEDBACK = ['verified', 'in_conversation'];

async function loadTurns(ctx: AppContext, sessionId: string) {
  return ctx.db.kysely.selectFrom('feedback_turns').selectAll().where('session_id', '=', sessionId).orderBy('seq').execute();
}

const toTurns = (rows: { role: string; text: string; question_id: string | null }[]): ConversationTurn[] =>
  rows.map((r) => ({ role: r.role as ConversationTurn['role'], text: r.text, ...(r.question_id ? { questionId: r.question_id } : {}) }));

async function appendTurn(ctx: AppContext, sessionId: string, turn: { role: 'assistant' | 'customer'; text: string; source: string; questionId?: string | null }, sessionPatch: Record<string, unknown> = {}) {
  await ctx.db.writer.run(async (trx) => {
    // Guarded state change first: a turn racing a finish on the same session loses cleanly (409)
    // instead of reopening a completed session.
    const moved = await trx.updateTable('feedback_sessions').set({ status: 'in_conversation', updated_at: nowIso(), ...sessionPatch }).where('id', '=', sessionId).where('status', 'in', OPEN_FOR_FEEDBACK).executeTakeFirst();
    if (moved.numUpdatedRows === 0n) throw new AppError('session_state', 'Feedback for this session is already complete.');
    const last = await trx.selectFrom('feedback_turns').select((eb) => eb.fn.max('seq').as('seq')).where('session_id', '=', sessionId).executeTakeFirst();
    await trx
      .insertInto('feedback_turns')
      .values({ id: newId(), session_id: sessionId, seq: Number(last?.seq ?? 0) + 1, role: turn.role, text: turn.text, source: turn.source, question_id: turn.questionId ?? null, created_at: nowIso() })
      .execute();
  });
}

/**
 * Checked before the input is read as well: a recording for a session that cannot take feedback
 * (not verified yet, or already complete) must never be sent to the transcription provider.
 */
export function assertAcceptsFeedback(session: SessionRow): void {
  if (session.status === 'open') throw new AppError('session_not_verified');
  if (!OPEN_FOR_FEEDBACK.includes(session.status)) throw new AppError('session_state', 'Feedback for this session is already complete.');
}

/**
 * One customer turn. Protocol (docs/api.md): the answer is stored; unless the customer asked to finish,
 * the assistant may ask up to two follow-ups (from what was said and the business's own questions),
 * returned as `{status: "follow_up", followUp}`. Otherwise the whole conversation is scored and the
 * result returned as `{status: "completed", qualityScore, …}`.
 */
export async function submitTurn(ctx: AppContext, session: SessionRow, input: FeedbackInput) {
  assertAcceptsFeedback(session);
  const priorAssistant = (await loadTurns(ctx, session.id)).filter((t) => t.role === 'assistant').at(-1);
  await appendTurn(ctx, session.id, { role: 'customer', text: input.text, source: input.source, questionId: priorAssistant?.question_id ?? null });
  const transcript = input.source === 'voice' ? { text: input.text, ...input.transcript } : undefined;
  if (!input.finish && session.follow_ups_asked < MAX_FOLLOW_UPS) {
    const context = await loadScoringContext(ctx, session.business_id);
    const turns = toTurns(await loadTurns(ctx, session.id));
    const generated = await ctx.services.followUps.nextQuestion({ turns, context, askedSoFar: session.follow_ups_asked }).catch(() => null);
    const question = generated && inSessionLanguage(generated, session, turns, context);
    if (question) {
      await appendTurn(ctx, session.id, { role: 'assistant', text: question.text, source: 'system', questionId: question.questionId ?? null }, { follow_ups_asked: session.follow_ups_asked + 1 });
      return { status: 'follow_up' as const, followUp: { text: question.text, questionId: question.questionId ?? null, remaining: MAX_FOLLOW_UPS - session.follow_ups_asked - 1 }, ...(transcript ? { transcript } : {}) };
    }
  }
  const result = await finishConversation(ctx, { ...session, status: 'in_conversation' });
  return { ...result, ...(transcript ? { transcript } : {}) };
}

/**
 * The generator follows the language the customer writes in, defaulting to Swedish; when that
 * language cannot be told ("ok", "10/10"), the locale the customer chose in the app decides instead.
 */
function inSessionLanguage(q: FollowUpQuestion, session: SessionRow, turns: ConversationTurn[], context: ScoringContext): FollowUpQuestion {
  const locale = session.locale === 'en' ? 'en' : 'sv';
  if (q.language === locale) return q;
  const customerText = turns.filter((t) => t.role === 'customer').map((t) => t.text).join('\n');
  if (detectLanguage(customerText) !== 'other') return q;
  const own = q.questionId ? context.questions.find((bq) => bq.id === q.questionId) : undefined;
  if (own) return { ...q, text: localizeBusinessQuestion(own.text, locale), language: locale };
  const prompt = Object.values(CATEGORY_PROMPTS).find((p) => p[q.language] === q.text);
  return prompt ? { ...q, text: prompt[locale], language: locale } : q;
}

/** Scores the whole conversation, assesses fraud and computes the reward, all recorded in one commit. */
export async function finishConversation(ctx: AppContext, session: SessionRow) {
  if (session.status === 'completed') return describeResult(ctx, session.id);
  if (session.status !== 'in_conversation') throw new AppError(session.status === 'open' ? 'session_not_verified' : 'session_state', 'Give your feedback first.');
  const turns = toTurns(await loadTurns(ctx, session.id));
  const customerText = turns.filter((t) => t.role === 'customer').map((t) => t.text).join('\n');
  if (!customerText.trim()) throw new AppError('session_state', 'Give your feedback first.');
  const context = await loadScoringContext(ctx, session.business_id);
  let score: ScoreResult;
  try {
    score = await ctx.services.scorer.score({ turns, context });
  } catch (err) {
    if (err instanceof ScoringUnavailableError) throw new AppError('scoring_unavailable', undefined, { retryable: true });
    throw err;
  }
  const risk = await assessSessionRisk(ctx, session, customerText);
  const claim = session.channel === 'store_code' ? await ctx.db.kysely.selectFrom('store_claims').select(['status', 'verified_amount_minor', 'amount_minor']).where('session_id', '=', session.id).executeTakeFirst() : null;
  const amountMinor = claim ? (claim.verified_amount_minor ?? claim.amount_minor) : session.purchase_amount_minor!;
  const reward = await computeRewardFor(ctx, { businessId: session.business_id, score: score.score, amountMinor, currency: 'SEK', phoneHash: session.phone_hash });
  // A store-code claim the shop has not verified yet is reviewed when it is (store-review-service).
  const review = claim && claim.status !== 'verified' ? [] : await moneyReviewFindings(ctx, { businessId: session.business_id, transactionId: session.transaction_id, amountMinor: reward.amountMinor });
  const status = rewardStatus(risk, claim?.status ?? null, review);
  await ctx.db.writer.run(async (trx) => {
    const upd = await trx
      .updateTable('feedback_sessions')
      .set({ status: 'completed', score: score.score, score_details: JSON.stringify(scoreDetails(score)), sentiment: score.sentiment, categories: JSON.stringify(score.categories), language: score.language, risk_score: risk.score, risk_details: JSON.stringify(risk.summary), scored_at: nowIso(), updated_at: nowIso() })
      .where('id', '=', session.id)
      .where('status', '=', 'in_conversation')
      .executeTakeFirst();
    if (upd.numUpdatedRows === 0n) throw new AppError('session_state', 'This session was completed by another request.');
    await storeFingerprints(trx, session.id, risk.fingerprints);
    const row = await insertReward(trx, { sessionId: session.id, businessId: session.business_id, transactionId: session.transaction_id, result: reward, status, phoneHash: session.phone_hash, details: { riskScore: risk.score, ...(review.length > 0 ? { review } : {}) } });
    await bookIfReady(ctx, trx, row.id);
    await emitFeedbackScored(ctx, trx, session);
    await emitRewardCreated(ctx, trx, row);
  });
  recordMetrics(ctx, session.business_id, score, reward.tier.name, risk);
  if (!risk.summary.hold && status === 'held') ctx.metrics.rewardsHeld.inc();
  return describeResult(ctx, session.id);
}

/** A store-code claim waits for the shop first (its review runs again on the verified amount); otherwise fraud risk or a money-review rule holds. */
function rewardStatus(risk: RiskAssessment, claimStatus: string | null, review: ReviewFinding[]): string {
  if (claimStatus === 'rejected') return 'rejected';
  if (claimStatus === 'pending') return 'awaiting_verification';
  return risk.summary.hold || review.length > 0 ? 'held' : 'awaiting_phone';
}

function scoreDetails(s: ScoreResult) {
  return { breakdown: s.breakdown, sentimentLabel: s.sentimentLabel, reasons: s.reasons, flags: s.flags, questionAnswers: s.questionAnswers, provider: s.provider, model: s.model };
}

function recordMetrics(ctx: AppContext, businessId: string, score: ScoreResult, tier: string, risk: RiskAssessment) {
  ctx.metrics.countFeedbackSession(businessId, risk.summary.hold ? 'fraud_held' : 'completed', tier);
  ctx.metrics.qualityScore.observe(score.score);
  for (const s of risk.signals) ctx.metrics.fraudSignals.inc({ code: s.code });
  if (risk.summary.hold) ctx.metrics.rewardsHeld.inc();
}

/** The customer-facing result of a completed session (also what finish/feedback return). */
export async function describeResult(ctx: AppContext, sessionId: string) {
  const s = await ctx.db.kysely.selectFrom('feedback_sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
  const reward = await ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  const details = JSON.parse(s.score_details ?? '{}') as ReturnType<typeof scoreDetails>;
  const rewardDetails = reward ? (JSON.parse(reward.details) as { explanation?: unknown; tierLabelSv?: string }) : {};
  return {
    status: 'completed' as const,
    qualityScore: s.score,
    tier: reward?.tier ?? 'none',
    tierLabel: rewardDetails.tierLabelSv ?? 'Ingen',
    reward: { amountMinor: reward?.amount_minor ?? 0, currency: 'SEK' as const, status: reward?.status ?? 'none', explanation: rewardDetails.explanation ?? null },
    breakdown: details.breakdown,
    categories: JSON.parse(s.categories ?? '[]') as string[],
    sentiment: s.sentiment,
    sentimentLabel: details.sentimentLabel,
    reasons: details.reasons,
    language: s.language,
    payoutRegistered: s.phone_hash !== null,
  };
}

/** Session state for the customer app to resume after a reload. */
export async function describeSession(ctx: AppContext, session: SessionRow) {
  const turns = await loadTurns(ctx, session.id);
  return {
    sessionId: session.id,
    status: session.status,
    channel: session.channel,
    expiresAt: session.expires_at,
    verified: session.verified_at !== null,
    followUpsAsked: session.follow_ups_asked,
    turns: turns.map((t) => ({ role: t.role, text: t.text, source: t.source, questionId: t.question_id })),
    result: session.status === 'completed' ? await describeResult(ctx, session.id) : null,
  };
}
