/**
 * Risk signals: one piece of fraud evidence each, with a strength in [0, 1] read as
 * "probability this alone means fraud". risk.ts combines them with a noisy-OR, so a
 * strength ≥ 0.7 (the default hold threshold) holds a session on its own.
 *
 * Builders always return a signal; "no evidence" is strength 0, which combineRisk
 * ignores. Reasons are bilingual because both the admin fraud dashboard (sv) and
 * logs/support (en) show them.
 */
import { z } from 'zod';
import { clamp01, plural, ramp } from './math.js';
import { MIN_WORDS_FOR_DUPLICATE_CHECK } from './text-similarity.js';

export const RISK_SIGNAL_CODES = [
  'duplicate_text',
  'near_duplicate_text',
  'gibberish',
  'velocity_phone',
  'velocity_device',
  'velocity_ip',
  'velocity_phone_business',
  'many_locations',
  'instant_claim',
  'impossible_travel',
  'refund_after_reward',
  'prior_fraud',
  'failed_verifications',
  'banned_device_link',
] as const;
export type RiskSignalCode = (typeof RISK_SIGNAL_CODES)[number];

export interface LocalizedText {
  sv: string;
  en: string;
}

export interface RiskSignal {
  code: RiskSignalCode;
  /** 0..1: how strongly this evidence alone indicates fraud. */
  strength: number;
  reason: LocalizedText;
  evidence?: Record<string, unknown>;
}

/** For reading signals back from JSON storage. */
export const riskSignalSchema = z.object({
  code: z.enum(RISK_SIGNAL_CODES),
  strength: z.number().min(0).max(1),
  reason: z.object({ sv: z.string(), en: z.string() }),
  evidence: z.record(z.string(), z.unknown()).optional(),
});

export function makeSignal(code: RiskSignalCode, strength: number, reason: LocalizedText, evidence?: Record<string, unknown>): RiskSignal {
  const signal: RiskSignal = { code, strength: clamp01(strength), reason };
  if (evidence !== undefined) signal.evidence = evidence;
  return signal;
}

/** 1 − (1 − first) · factor^(n−1): the first occurrence gives `first`, each further one closes part of the gap to 1. */
function repeated(n: number, first: number, factor: number): number {
  return n <= 0 ? 0 : 1 - (1 - first) * factor ** (n - 1);
}

const safeCount = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

/** Exact copies: one earlier identical text is already 0.95 (holds alone); more copies approach 1. */
export const DUPLICATE_FIRST_STRENGTH = 0.95;
/** Identical short stock answers ("Bra service, trevlig personal") are common among honest customers. */
export const SHORT_DUPLICATE_MAX_STRENGTH = 0.3;

/**
 * @param matchCount other sessions with the same exactDuplicateKey
 * @param options.wordCount normalised word count of the text; below
 *   MIN_WORDS_FOR_DUPLICATE_CHECK the signal is capped (short texts repeat naturally)
 */
export function duplicateTextSignal(matchCount: number, options: { wordCount?: number } = {}): RiskSignal {
  const n = safeCount(matchCount);
  let strength = repeated(n, DUPLICATE_FIRST_STRENGTH, 0.5);
  const short = options.wordCount !== undefined && options.wordCount < MIN_WORDS_FOR_DUPLICATE_CHECK;
  if (short) strength = Math.min(strength, SHORT_DUPLICATE_MAX_STRENGTH);
  return makeSignal(
    'duplicate_text',
    strength,
    {
      sv: `Exakt samma text har skickats in i ${n} ${plural(n, 'annan session', 'andra sessioner')}.`,
      en: `The exact same text was submitted in ${n} other ${plural(n, 'session', 'sessions')}.`,
    },
    { matchCount: n, ...(options.wordCount !== undefined ? { wordCount: options.wordCount, short } : {}) },
  );
}

/** Below this similarity a match is not evidence at all. */
export const NEAR_DUPLICATE_FLOOR = 0.6;

/**
 * Strength from similarity: 0 below 0.6, 0.15→0.5 between 0.6 and 0.8 (suspicious,
 * not conclusive), 0.75→0.93 from 0.8 to 1 (a light edit of someone else's text:
 * holds alone). Each further matching session closes 30 % of the remaining gap.
 *
 * @param similarity highest similarity (0..1) to any earlier text
 * @param matches how many earlier texts were at least NEAR_DUPLICATE_FLOOR similar
 */
export function nearDuplicateSignal(similarity: number, matches: number): RiskSignal {
  const sim = clamp01(similarity);
  const n = sim >= NEAR_DUPLICATE_FLOOR ? Math.max(1, safeCount(matches)) : 0;
  const base = sim < NEAR_DUPLICATE_FLOOR ? 0 : sim < 0.8 ? 0.15 + 0.35 * ramp(sim, 0.6, 0.8) : 0.75 + 0.18 * ramp(sim, 0.8, 1);
  const pct = Math.round(sim * 100);
  return makeSignal(
    'near_duplicate_text',
    repeated(n, base, 0.7),
    {
      sv: `Texten liknar till ${pct} % en tidigare inskickad text (${n} ${plural(n, 'träff', 'träffar')}).`,
      en: `The text is ${pct}% similar to an earlier submission (${n} ${plural(n, 'match', 'matches')}).`,
    },
    { similarity: sim, matches: n },
  );
}

/**
 * gibberishScore → strength: nothing below 0.5, then linear to 0.9 at 1. Pure
 * keyboard mashing (≥ ~0.9) holds alone; it earns no reward anyway, but someone
 * submitting it while claiming a purchase is worth a look.
 */
export function gibberishSignal(score: number): RiskSignal {
  const s = clamp01(score);
  return makeSignal(
    'gibberish',
    0.9 * ramp(s, 0.5, 1),
    {
      sv: `Texten ser ut som slumpmässiga tecken (poäng ${s.toFixed(2).replace('.', ',')}).`,
      en: `The text looks like random characters (score ${s.toFixed(2)}).`,
    },
    { gibberishScore: s },
  );
}

/** Honest customers need at least ~30 s after paying to scan, fill in and submit. */
export const INSTANT_CLAIM_FULL_SECONDS = 20;
export const INSTANT_CLAIM_NONE_SECONDS = 60;

/**
 * A claim seconds after the (POS-verified) purchase time. Alone it is weak (0.3):
 * fast customers exist. It becomes strong when the same device also claimed at other
 * far-apart locations the same day — the pattern of someone harvesting receipts
 * (e.g. from a POS feed) rather than buying: 1 other → 0.58, 2 → 0.75, 3 → 0.85
 * (context factor 1 − 0.7 · 0.6^others).
 * A negative delay (claim before the purchase) counts as instant.
 */
export function instantClaimSignal(secondsSincePurchase: number, otherLocationsSameDay: number): RiskSignal {
  const secs = Number.isNaN(secondsSincePurchase) ? Infinity : secondsSincePurchase;
  const instantness = 1 - ramp(secs, INSTANT_CLAIM_FULL_SECONDS, INSTANT_CLAIM_NONE_SECONDS);
  const others = safeCount(otherLocationsSameDay);
  const context = 1 - 0.7 * 0.6 ** others;
  const shown = Number.isFinite(secs) ? Math.round(secs) : null;
  return makeSignal(
    'instant_claim',
    instantness * context,
    {
      sv: `Anspråket gjordes ${shown ?? '?'} s efter köpet, och enheten har gjort anspråk på ${others} andra platser i dag.`,
      en: `The claim was made ${shown ?? '?'} s after the purchase, and the device claimed at ${others} other locations today.`,
    },
    { secondsSincePurchase: shown, otherLocationsSameDay: others },
  );
}

export interface RefundAfterReward {
  /** Purchase amount in öre (as verified). */
  purchaseAmountOre: number;
  /** Amount refunded after the reward was granted, in öre. */
  refundedAmountOre: number;
  hoursAfterReward?: number;
}

/**
 * Purchase refunded after the reward: the basis for the reward is gone. A full
 * refund is 0.97 (hold/claw back); partial refunds (one returned item) scale from
 * 0.3 + 0.7 × refunded share, so returning half the basket gives 0.65.
 */
export function refundAfterRewardSignal(input: RefundAfterReward): RiskSignal {
  const refunded = Math.max(0, Number.isFinite(input.refundedAmountOre) ? input.refundedAmountOre : 0);
  const purchase = Number.isFinite(input.purchaseAmountOre) ? input.purchaseAmountOre : 0;
  const share = refunded === 0 ? 0 : purchase > 0 ? clamp01(refunded / purchase) : 1;
  const pct = Math.round(share * 100);
  return makeSignal(
    'refund_after_reward',
    share === 0 ? 0 : Math.min(0.97, 0.3 + 0.7 * share),
    {
      sv: `${pct} % av köpet återbetalades efter att belöningen betalats ut.`,
      en: `${pct}% of the purchase was refunded after the reward was paid.`,
    },
    { refundedShare: share, refundedAmountOre: refunded, purchaseAmountOre: purchase, hoursAfterReward: input.hoursAfterReward },
  );
}

/** Confirmed fraud on the same phone/device before: 1 case → 0.8, 2 → 0.9, 3 → 0.95. */
export function priorFraudSignal(confirmedCases: number): RiskSignal {
  const n = safeCount(confirmedCases);
  return makeSignal(
    'prior_fraud',
    repeated(n, 0.8, 0.5),
    {
      sv: `Telefonen eller enheten har ${n} ${plural(n, 'bekräftat bedrägerifall', 'bekräftade bedrägerifall')} sedan tidigare.`,
      en: `The phone or device has ${n} confirmed earlier fraud ${plural(n, 'case', 'cases')}.`,
    },
    { confirmedCases: n },
  );
}

/**
 * Misses before a purchase was claimed, from the same device or address at that location within 24 h
 * (feedback/verify-budget.ts). Two typos are ordinary (0); from the third miss it is a guesser's pattern:
 * 3 → 0.3, 4 → 0.5, 5 → 0.7 (holds alone), 6 → 0.85, 7 or more → 0.95. While the location is under attack
 * (20 misses there within the hour) even one miss counts: 1 → 0.4, 2 → 0.55, 3 → 0.7.
 */
const FAILED_VERIFICATION_STRENGTH = [0, 0, 0, 0.3, 0.5, 0.7, 0.85, 0.95];
const UNDER_ATTACK_STRENGTH = [0, 0.4, 0.55, 0.7];

export function failedVerificationsSignal(failures: number, locationUnderAttack: boolean): RiskSignal {
  const n = safeCount(failures);
  const base = FAILED_VERIFICATION_STRENGTH[Math.min(n, FAILED_VERIFICATION_STRENGTH.length - 1)]!;
  const strength = locationUnderAttack ? Math.max(base, UNDER_ATTACK_STRENGTH[Math.min(n, UNDER_ATTACK_STRENGTH.length - 1)]!) : base;
  const attack = locationUnderAttack ? { sv: ' Platsen utsattes samtidigt för många felaktiga försök.', en: ' The location was seeing many failed attempts at the time.' } : { sv: '', en: '' };
  return makeSignal(
    'failed_verifications',
    strength,
    {
      sv: `${n} ${plural(n, 'misslyckat försök', 'misslyckade försök')} att hitta ett köp från samma enhet eller adress innan köpet hittades.${attack.sv}`,
      en: `${n} failed ${plural(n, 'attempt', 'attempts')} to find a purchase from the same device or address before this one was found.${attack.en}`,
    },
    { failures: n, locationUnderAttack },
  );
}

/**
 * The session comes from an address a banned device used within the last 7 days. Not a block — addresses
 * are shared (guest Wi-Fi, carrier NAT) — but strong enough (0.8) to hold the reward for review: it is the
 * pattern of a banned customer who cleared the app's data.
 */
export function bannedDeviceLinkSignal(linkedBans: number): RiskSignal {
  const n = safeCount(linkedBans);
  return makeSignal(
    'banned_device_link',
    n > 0 ? 0.8 : 0,
    {
      sv: `Samma adress användes de senaste 7 dagarna av en avstängd enhet (${n} ${plural(n, 'avstängning', 'avstängningar')}).`,
      en: `The same address was used within the last 7 days by a banned device (${n} ${plural(n, 'ban', 'bans')}).`,
    },
    { linkedBans: n },
  );
}
