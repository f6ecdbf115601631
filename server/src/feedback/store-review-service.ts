import { DateTime } from 'luxon';
import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { csvCell, csvDocument } from '../rewards/csv.js';
import { formatMinorPlain, parseSekAmount } from '../rewards/money.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import { bookIfReady, computeRewardFor } from '../rewards/reward-service.js';
import { moneyReviewFindings } from '../rewards/review-rules.js';
import { dueReminder, sendReviewReminders, type DueReminder } from './store-review-reminders.js';

/** The original product's tolerance for the shop's verified amount against the customer's claim. */
export const AMOUNT_TOLERANCE_MINOR = 50;

const VERIFIED_WORDS = new Set(['verifierad', 'verified', 'godkänd', 'approved', 'ja', 'yes', 'ok']);
const REJECTED_WORDS = new Set(['avvisad', 'rejected', 'nej', 'no', 'ej hittad', 'not found']);

export async function listClaims(ctx: AppContext, businessId: string, status?: string) {
  let q = ctx.db.kysely.selectFrom('store_claims').selectAll().where('business_id', '=', businessId).orderBy('deadline_at').orderBy('id');
  if (status) q = q.where('status', '=', status);
  const rows = await q.limit(1000).execute();
  return rows.map((c) => ({ id: c.id, locationId: c.location_id, amountMinor: c.amount_minor, purchasedAt: c.purchased_at, status: c.status, verifiedAmountMinor: c.verified_amount_minor, deadlineAt: c.deadline_at, decidedAt: c.decided_at, decidedBy: c.decided_by, remindersSent: c.reminders_sent }));
}

/** The review file's columns, shared by the CSV and the XLSX export (and read back by name on import). */
export const REVIEW_COLUMNS = ['Referens', 'Butik', 'Datum', 'Tid', 'Belopp', 'Status', 'Verifierat belopp', 'Sista dag'] as const;
/** The words the export offers for Status (the import also accepts the synonyms below). */
export const REVIEW_DECISIONS = ['verifierad', 'avvisad'] as const;

export interface ReviewRow {
  id: string;
  location: string;
  date: string;
  time: string;
  amountMinor: number;
  deadline: string;
}

/** One row per pending claim, in deadline order. */
export async function pendingReviewRows(ctx: AppContext, businessId: string): Promise<ReviewRow[]> {
  const claims = await listClaims(ctx, businessId, 'pending');
  const locations = await ctx.db.kysely.selectFrom('locations').select(['id', 'name']).where('business_id', '=', businessId).execute();
  const names = new Map(locations.map((l) => [l.id, l.name]));
  return claims.map((c) => {
    const at = DateTime.fromISO(c.purchasedAt).setZone('Europe/Stockholm');
    return { id: c.id, location: names.get(c.locationId) ?? '', date: at.toISODate()!, time: at.toFormat('HH:mm'), amountMinor: c.amountMinor, deadline: DateTime.fromISO(c.deadlineAt).setZone('Europe/Stockholm').toISODate()! };
  });
}

/** CSV the shop checks against its till: one row per pending claim; the shop fills in Status (and Verifierat belopp when it differs). */
export async function exportClaimsCsv(ctx: AppContext, businessId: string): Promise<string> {
  const rows = (await pendingReviewRows(ctx, businessId)).map((r) => [csvCell(r.id), csvCell(r.location), csvCell(r.date), csvCell(r.time), csvCell(formatMinorPlain(r.amountMinor), { numeric: true }), csvCell(''), csvCell(''), csvCell(r.deadline)]);
  return csvDocument([REVIEW_COLUMNS.map((h) => csvCell(h)), ...rows]);
}

/** The separator the file uses, judged from its header line: ';' (Swedish Excel, our export), ',' or tab. */
function detectSeparator(text: string): string {
  const counts = new Map<string, number>([[';', 0], [',', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return best![1] > 0 ? best![0] : ';';
}

/**
 * RFC 4180-style records (a cell that starts with a quote may hold the separator, doubled quotes and
 * line breaks; a quote inside an unquoted cell is just a character), each with the file line it starts
 * on so errors point at the line the shop sees. A quote left open swallows the rest of the file: that
 * record is not returned and its line is reported instead.
 */
function parseCsv(text: string, sep: string): { records: { line: number; cells: string[] }[]; unterminatedAt: number | null } {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cur = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    cells.push(cur);
    records.push({ line: start, cells: cells.map((c) => c.trim()) });
    cells = [];
    cur = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        cur += ch;
      }
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === sep) {
      cells.push(cur);
      cur = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      cur += ch;
    }
  }
  if (quoted) return { records, unterminatedAt: start };
  if (cur !== '' || cells.length > 0) endRecord();
  return { records, unterminatedAt: null };
}

/** Reads back the marked CSV export. */
export async function importClaimsCsv(ctx: AppContext, businessId: string, csv: string, who: Actor) {
  const text = csv.replace(/^\uFEFF/, '');
  const parsed = parseCsv(text, detectSeparator(text));
  const summary = await importClaimRecords(ctx, businessId, parsed.records, who);
  if (parsed.unterminatedAt !== null && parsed.unterminatedAt > 1) summary.errors.push({ line: parsed.unterminatedAt, message: 'A quote (") opened here is never closed; this line and the rest of the file were not read' });
  return summary;
}

/**
 * Applies the marked rows of a review file (CSV or XLSX): a header row naming the columns, then one
 * row per claim. Unknown ids, other businesses' claims and unreadable rows are reported, never applied.
 */
export async function importClaimRecords(ctx: AppContext, businessId: string, all: readonly { line: number; cells: string[] }[], who: Actor) {
  // Blank lines (and rows a spreadsheet left as bare separators) are skipped but keep their line numbers.
  const records = all.filter((r) => r.cells.some((c) => c !== ''));
  const header = (records[0]?.cells ?? []).map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const [iRef, iStatus, iAmount] = [col('referens'), col('status'), col('verifierat belopp')];
  if (iRef < 0 || iStatus < 0) throw new AppError('validation_failed', 'The file needs the columns Referens and Status (as exported).');
  const summary = { verified: 0, rejected: 0, unchanged: 0, errors: [] as { line: number; message: string }[] };
  for (const { line, cells } of records.slice(1)) {
    const status = (cells[iStatus] ?? '').toLowerCase();
    if (!status) {
      summary.unchanged++;
      continue;
    }
    const decision = VERIFIED_WORDS.has(status) ? 'verified' : REJECTED_WORDS.has(status) ? 'rejected' : null;
    if (!decision) {
      summary.errors.push({ line, message: `Unknown status "${cells[iStatus]}" (use verifierad or avvisad)` });
      continue;
    }
    const amountCell = iAmount >= 0 ? (cells[iAmount] ?? '') : '';
    const verifiedAmount = amountCell ? parseSekAmount(amountCell) : null;
    if (amountCell && verifiedAmount === null) {
      summary.errors.push({ line, message: `Unreadable amount "${amountCell}"` });
      continue;
    }
    try {
      const result = await decideClaim(ctx, businessId, cells[iRef] ?? '', decision, verifiedAmount, who);
      summary[result === 'verified' ? 'verified' : 'rejected']++;
    } catch (err) {
      summary.errors.push({ line, message: err instanceof AppError ? err.message : 'Could not apply this row' });
    }
  }
  return summary;
}

/**
 * The shop's decision on one claim. A verified amount more than 0,50 kr from the claim counts as not
 * found. Verification releases the reward computed on the verified amount; rejection cancels it.
 */
export async function decideClaim(ctx: AppContext, businessId: string, claimId: string, decision: 'verified' | 'rejected', verifiedAmountMinor: number | null, who: Actor): Promise<'verified' | 'rejected'> {
  const claim = await ctx.db.kysely.selectFrom('store_claims').selectAll().where('id', '=', claimId).where('business_id', '=', businessId).executeTakeFirst();
  if (!claim) throw notFound('Claim');
  if (claim.status !== 'pending') throw new AppError('conflict', `Claim already ${claim.status}.`);
  const amount = verifiedAmountMinor ?? claim.amount_minor;
  const final = decision === 'verified' && Math.abs(amount - claim.amount_minor) <= AMOUNT_TOLERANCE_MINOR ? 'verified' : 'rejected';
  await applyClaimDecision(ctx, claim.id, final, final === 'verified' ? amount : null, who);
  return final;
}

/** Statuses that hold money against budgets (as in reward-service). */
export async function applyClaimDecision(ctx: AppContext, claimId: string, status: 'verified' | 'rejected', verifiedAmountMinor: number | null, who: Actor): Promise<void> {
  const claim = await ctx.db.kysely.selectFrom('store_claims').selectAll().where('id', '=', claimId).executeTakeFirstOrThrow();
  const reward = await ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', claim.session_id).executeTakeFirst();
  const session = await ctx.db.kysely.selectFrom('feedback_sessions').select(['score', 'risk_details']).where('id', '=', claim.session_id).executeTakeFirstOrThrow();
  const recomputed = status === 'verified' && reward && session.score !== null ? await computeRewardFor(ctx, { excludeRewardId: reward.id, businessId: claim.business_id, score: session.score, amountMinor: verifiedAmountMinor!, currency: 'SEK', phoneHash: claim.phone_hash }) : null;
  const review = recomputed ? await moneyReviewFindings(ctx, { businessId: claim.business_id, transactionId: null, amountMinor: recomputed.amountMinor }) : [];
  const held = (session.risk_details ? (JSON.parse(session.risk_details) as { hold?: boolean }).hold === true : false) || review.length > 0;
  await ctx.db.writer.run(async (trx) => {
    const upd = await trx.updateTable('store_claims').set({ status, verified_amount_minor: verifiedAmountMinor, decided_by: who.actor, decided_at: nowIso() }).where('id', '=', claimId).where('status', '=', 'pending').executeTakeFirst();
    if (upd.numUpdatedRows === 0n) throw new AppError('conflict', 'Claim already decided.');
    if (reward?.status === 'awaiting_verification') {
      const next = status === 'rejected' ? 'rejected' : recomputed!.amountMinor <= 0 ? 'none' : held ? 'held' : 'awaiting_phone';
      const details = review.length > 0 ? JSON.stringify({ ...(JSON.parse(reward.details) as Record<string, unknown>), review }) : reward.details;
      await trx.updateTable('rewards').set({ status: next, amount_minor: recomputed?.amountMinor ?? reward.amount_minor, bps: recomputed?.bps ?? reward.bps, tier: recomputed?.tier.name ?? reward.tier, details, updated_at: nowIso() }).where('id', '=', reward.id).execute();
      if (next === 'awaiting_phone') await bookIfReady(ctx, trx, reward.id);
    }
    await recordAudit(trx, { ...who, action: `store_claim.${status}`, targetType: 'store_claim', targetId: claimId, details: { verifiedAmountMinor } });
  });
}

/**
 * Periodic: reminder mails before the review deadline (default 7, 3 and 1 days before; see
 * store-review-reminders.ts) and, once it has passed, the business's configured default (reject unless
 * the business chose approve).
 */
export async function sweepStoreClaims(ctx: AppContext, now = new Date()): Promise<{ reminded: number; defaulted: number }> {
  const pending = await ctx.db.kysely.selectFrom('store_claims').selectAll().where('status', '=', 'pending').orderBy('deadline_at').limit(5000).execute();
  const due: DueReminder[] = [];
  let defaulted = 0;
  for (const claim of pending) {
    const { storeReview } = await getBusinessSettings(ctx.db, claim.business_id);
    const daysLeft = (Date.parse(claim.deadline_at) - now.getTime()) / 86_400_000;
    if (daysLeft <= 0) {
      try {
        await applyClaimDecision(ctx, claim.id, storeReview.defaultAction === 'approve' ? 'verified' : 'rejected', storeReview.defaultAction === 'approve' ? claim.amount_minor : null, { actor: 'system:deadline', ip: null });
        defaulted++;
      } catch (err) {
        // Decided meanwhile (by the shop, or an overlapping sweep): nothing left to do for this claim.
        if (!(err instanceof AppError && err.code === 'conflict')) throw err;
      }
      continue;
    }
    const next = dueReminder(storeReview.reminderDaysBefore, daysLeft, claim.reminders_sent);
    if (next) due.push({ claimId: claim.id, businessId: claim.business_id, deadlineAt: claim.deadline_at, amountMinor: claim.amount_minor, previousLevel: claim.reminders_sent, ...next });
  }
  return { reminded: await sendReviewReminders(ctx, due), defaulted };
}
