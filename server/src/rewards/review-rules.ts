import type { AppContext } from '../http/context.js';
import { formatSekEn, formatSekSv } from './money.js';
import { getBusinessBilling } from './billing-store.js';
import type { ReviewRules } from './billing.js';

/**
 * Money review: rules that hold a reward for an operator (status `held`, decided in the admin console's
 * fraud review like any other held reward) however honest its feedback looks, because the risk is the
 * platform's money rather than the text. An owner controls their own POS connection and signing key, so a
 * sale "through the POS" proves nothing the owner could not fabricate; the rules bound what one can take
 * before a human looks:
 *   new_connection       – the sale came through a connection whose signing key a business user chose
 *                          less than review.newConnectionDays ago (operator-created keys start vetted)
 *   large_reward         – the reward is above review.holdRewardAboveMinor
 *   connection_velocity  – the connection already has review.velocityMaxRewards rewards inside the last
 *                          review.velocityWindowMinutes (two finishing at the same instant may both slip
 *                          under the count: a soft limit, the amounts are capped anyway)
 */

export type ReviewCode = 'new_connection' | 'large_reward' | 'connection_velocity';

export interface ReviewFinding {
  code: ReviewCode;
  reason: { sv: string; en: string };
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function largeReward(amountMinor: number, rules: ReviewRules): ReviewFinding | null {
  if (amountMinor <= rules.holdRewardAboveMinor) return null;
  return {
    code: 'large_reward',
    reason: { sv: `Belöningen är över ${formatSekSv(rules.holdRewardAboveMinor)}.`, en: `The reward is over ${formatSekEn(rules.holdRewardAboveMinor)}.` },
  };
}

function newConnection(probationStartedAt: string | null, rules: ReviewRules, now: Date): ReviewFinding | null {
  if (!probationStartedAt || now.getTime() - Date.parse(probationStartedAt) >= rules.newConnectionDays * DAY_MS) return null;
  const days = rules.newConnectionDays;
  return {
    code: 'new_connection',
    reason: { sv: `Kassakopplingens signeringsnyckel valdes av företaget för mindre än ${days} dagar sedan.`, en: `The business chose the POS connection's signing key less than ${days} days ago.` },
  };
}

async function connectionVelocity(ctx: AppContext, businessId: string, connectionId: string, rules: ReviewRules, now: Date): Promise<ReviewFinding | null> {
  const since = new Date(now.getTime() - rules.velocityWindowMinutes * MINUTE_MS).toISOString();
  const row = await ctx.db.kysely
    .selectFrom('rewards as r')
    .innerJoin('transactions as t', 't.id', 'r.transaction_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('r.business_id', '=', businessId)
    .where('r.created_at', '>=', since)
    .where('r.amount_minor', '>', 0)
    .where('t.connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  if (n < rules.velocityMaxRewards) return null;
  const minutes = rules.velocityWindowMinutes;
  return {
    code: 'connection_velocity',
    reason: { sv: `Kassakopplingen har redan gett ${n} belöningar de senaste ${minutes} minuterna.`, en: `The POS connection already gave ${n} rewards in the last ${minutes} minutes.` },
  };
}

/** Why a new reward of `amountMinor` must wait for an operator (empty = it need not). */
export async function moneyReviewFindings(ctx: AppContext, p: { businessId: string; transactionId: string | null; amountMinor: number; now?: Date }): Promise<ReviewFinding[]> {
  if (p.amountMinor <= 0) return [];
  const now = p.now ?? new Date();
  const { review } = (await getBusinessBilling(ctx.db.kysely, p.businessId)).billing;
  const findings = [largeReward(p.amountMinor, review)];
  const connection = p.transactionId
    ? await ctx.db.kysely.selectFrom('transactions as t').innerJoin('pos_connections as c', 'c.id', 't.connection_id').select(['c.id', 'c.probation_started_at']).where('t.id', '=', p.transactionId).executeTakeFirst()
    : undefined;
  if (connection) {
    findings.push(newConnection(connection.probation_started_at, review, now));
    findings.push(await connectionVelocity(ctx, p.businessId, connection.id, review, now));
  }
  const held = findings.filter((f): f is ReviewFinding => f !== null);
  for (const f of held) ctx.metrics.fraudSignals.inc({ code: `review_${f.code}` });
  return held;
}
