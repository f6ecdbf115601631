import orgModule from 'organisationsnummer';

// The package is CommonJS with an ESM-style default export: at runtime the default import is the
// class itself, while the types see `{ default: class }`. Accept both shapes.
type OrgClass = (typeof orgModule)['default'];
const Organisationsnummer: OrgClass = (orgModule as unknown as { default?: OrgClass }).default ?? (orgModule as unknown as OrgClass);

/**
 * Normalise a Swedish organisationsnummer to `NNNNNN-NNNN`, or null when it is malformed or its
 * Luhn check digit is wrong. Only the 10-digit form (with or without the dash) is accepted; the
 * library checks the check digit and the number series (it also accepts a sole trader's personnummer).
 */
export function normaliseOrgNumber(input: string): string | null {
  const trimmed = input.trim();
  if (!/^\d{6}-?\d{4}$/.test(trimmed)) return null;
  try {
    return Organisationsnummer.parse(trimmed).format(true);
  } catch {
    return null;
  }
}

/** The organisation type the number series encodes (Aktiebolag, Enskild firma, …), for display. */
export function orgNumberType(normalised: string): string {
  return Organisationsnummer.parse(normalised).type();
}
