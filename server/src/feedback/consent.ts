import { z } from 'zod';
import { AppError } from '../core/errors.js';

/**
 * The customer's explicit GDPR consent. The text is versioned: a session stores the version it was
 * given under, and when the text changes the version changes, so a client holding an old text is
 * refused (400 consent_required, details.version = the current one) and must show the new one.
 */
export const CONSENT_VERSION = '2026-11-29';

export const CONSENT_TEXT = {
  sv:
    'Kvittra sparar din feedbacktext och köpets belopp och tid för att bedöma feedbacken och betala ut din belöning. ' +
    'Ditt mobilnummer sparas krypterat och används bara för Swish-utbetalningen; det raderas när utbetalningen är klar och bokföringstiden passerat. ' +
    'Röstinspelningar skrivs om till text och sparas aldrig. Feedbacktexten anonymiseras efter två år. ' +
    'Butiken ser din feedback men inte ditt nummer. Du kan begära utdrag eller radering hos Kvittra.',
  en:
    'Kvittra stores your feedback text and the amount and time of your purchase to assess the feedback and pay your reward. ' +
    'Your mobile number is stored encrypted and used only for the Swish payout; it is erased once the payout is done and the bookkeeping period has passed. ' +
    'Voice recordings are transcribed and never stored. Feedback text is anonymised after two years. ' +
    'The shop sees your feedback but not your number. You can ask Kvittra for a copy or erasure of your data.',
} as const;

export function currentConsent() {
  return { version: CONSENT_VERSION, text: { sv: CONSENT_TEXT.sv, en: CONSENT_TEXT.en } };
}

/** Lenient on purpose: any shape reaches requireConsent, which answers consent_required (not validation_failed). */
export const ZConsentField = z.unknown().optional();

const ZAccepted = z.object({ accepted: z.literal(true), version: z.string() }).strict();

/** The accepted consent of a request body, or 400 consent_required naming the current version. */
export function requireConsent(raw: unknown): { version: string } {
  const parsed = ZAccepted.safeParse(raw);
  if (!parsed.success || parsed.data.version !== CONSENT_VERSION) {
    throw new AppError('consent_required', undefined, { version: CONSENT_VERSION, received: parsed.success ? parsed.data.version : null });
  }
  return { version: parsed.data.version };
}
