import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { releasedFeedback, sentimentLabel, verificationOf, type FeedbackFilters } from './released.js';
import type { DayRange } from './time-range.js';

const EXCERPT_CHARS = 200;
const ROW_COLUMNS = ['fs.id', 'fs.location_id', 'l.name as locationName', 'fs.channel', 'fs.score', 'fs.sentiment', 'fs.categories', 'fs.scored_at', 'fs.score_details'] as const;
/** The store claim's review status, looked up only for the rows of the page. */
const claimStatus = (eb: ExpressionBuilder<Database & { fs: Database['feedback_sessions'] }, 'fs'>) =>
  eb.selectFrom('store_claims as sc').select('sc.status').whereRef('sc.session_id', '=', 'fs.id').as('claimStatus');

export function encodeFeedbackCursor(scoredAt: string, id: string): string {
  return Buffer.from(`${scoredAt}|${id}`, 'utf8').toString('base64url');
}

/** Keyset cursor (scored_at, id) of the last row of the previous page. */
export function decodeFeedbackCursor(cursor: string | undefined): { scoredAt: string; id: string } | null {
  if (!cursor) return null;
  const [scoredAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !scoredAt || !id || !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(scoredAt) || !/^[0-9a-f-]{36}$/.test(id)) throw new AppError('invalid_cursor');
  return { scoredAt, id };
}

function parseJson<T>(raw: string | null, fallback: T): T {
  if (!raw) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

/** One page of rows in keyset order (newest first), with location name and claim status. */
async function feedbackRows(ctx: AppContext, businessId: string, range: DayRange, f: FeedbackFilters, limit: number, after: { scoredAt: string; id: string } | null) {
  let q = releasedFeedback(ctx.db, businessId, range, f)
    .innerJoin('locations as l', 'l.id', 'fs.location_id')
    .select((eb) => [...ROW_COLUMNS, claimStatus(eb)])
    .orderBy('fs.scored_at', 'desc')
    .orderBy('fs.id', 'desc')
    .limit(limit);
  if (after) q = q.where((eb) => eb.or([eb('fs.scored_at', '<', after.scoredAt), eb.and([eb('fs.scored_at', '=', after.scoredAt), eb('fs.id', '<', after.id)])]));
  return q.execute();
}

type Row = Awaited<ReturnType<typeof feedbackRows>>[number];

/** Adds excerpt and reward; `fullText` (CSV export) gives all the customer's turns instead of an excerpt. */
async function decorate(ctx: AppContext, rows: Row[], opts: { fullText?: boolean } = {}) {
  const ids = rows.map((r) => r.id);
  const [turns, rewards] = ids.length
    ? await Promise.all([
        ctx.db.kysely.selectFrom('feedback_turns').select(['session_id', 'text', 'seq']).where('session_id', 'in', ids).where('role', '=', 'customer').orderBy('seq').execute(),
        ctx.db.kysely.selectFrom('rewards').select(['session_id', 'amount_minor', 'status']).where('session_id', 'in', ids).execute(),
      ])
    : [[], []];
  const firstText = new Map<string, string>();
  for (const t of turns) firstText.set(t.session_id, firstText.has(t.session_id) && opts.fullText ? `${firstText.get(t.session_id)!}\n${t.text}` : (firstText.get(t.session_id) ?? t.text));
  const reward = new Map(rewards.map((r) => [r.session_id, r]));
  return rows.map((r) => {
    const text = firstText.get(r.id) ?? '';
    const rw = reward.get(r.id);
    return {
      id: r.id,
      locationId: r.location_id,
      locationName: r.locationName,
      channel: r.channel as 'qr' | 'store_code',
      verification: verificationOf(r.channel, r.claimStatus),
      score: r.score,
      sentiment: r.sentiment,
      sentimentLabel: sentimentLabel(r.sentiment),
      categories: parseJson<string[]>(r.categories, []),
      excerpt: opts.fullText || text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS - 1)}…`,
      submittedAt: r.scored_at!,
      rewardMinor: rw && !['rejected', 'reversed'].includes(rw.status) ? rw.amount_minor : rw ? 0 : null,
    };
  });
}

export async function listFeedback(ctx: AppContext, businessId: string, range: DayRange, f: FeedbackFilters, limit: number, cursor?: string) {
  const rows = await feedbackRows(ctx, businessId, range, f, limit + 1, decodeFeedbackCursor(cursor));
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: await decorate(ctx, page), nextCursor: rows.length > limit && last ? encodeFeedbackCursor(last.scored_at!, last.id) : null };
}

/** One released feedback with the whole conversation; anything else (other business, unreleased) is 404. */
export async function feedbackDetail(ctx: AppContext, businessId: string, sessionId: string) {
  const wide: DayRange = { from: '', to: '', startUtc: '0000', endUtc: '9999' };
  const rows = await releasedFeedback(ctx.db, businessId, wide)
    .innerJoin('locations as l', 'l.id', 'fs.location_id')
    .select((eb) => [...ROW_COLUMNS, claimStatus(eb)])
    .where('fs.id', '=', sessionId)
    .execute();
  const row = rows[0];
  if (!row) throw notFound('Feedback');
  const [item] = await decorate(ctx, [row]);
  const [turns, reward] = await Promise.all([
    ctx.db.kysely.selectFrom('feedback_turns').select(['role', 'text', 'source', 'created_at']).where('session_id', '=', sessionId).orderBy('seq').execute(),
    ctx.db.kysely.selectFrom('rewards').select(['amount_minor', 'tier', 'status']).where('session_id', '=', sessionId).executeTakeFirst(),
  ]);
  const details = parseJson<{ breakdown?: unknown; reasons?: unknown; questionAnswers?: unknown }>(row.score_details, {});
  return {
    ...item!,
    turns: turns.map((t) => ({ role: t.role, text: t.text, source: t.source, createdAt: t.created_at })),
    breakdown: details.breakdown ?? null,
    reasons: details.reasons ?? [],
    questionAnswers: details.questionAnswers ?? [],
    reward: reward ? { amountMinor: reward.amount_minor, tier: reward.tier, status: reward.status } : null,
  };
}

/** Every matching row in keyset batches, for the CSV export. */
export async function* feedbackBatches(ctx: AppContext, businessId: string, range: DayRange, f: FeedbackFilters, maxRows: number) {
  let after: { scoredAt: string; id: string } | null = null;
  let sent = 0;
  while (sent < maxRows) {
    const rows = await feedbackRows(ctx, businessId, range, f, Math.min(1000, maxRows - sent), after);
    if (rows.length === 0) return;
    yield await decorate(ctx, rows, { fullText: true });
    sent += rows.length;
    const last = rows[rows.length - 1]!;
    after = { scoredAt: last.scored_at!, id: last.id };
  }
}
