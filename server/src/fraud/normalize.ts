/**
 * Text normalisation shared by duplicate detection and the gibberish scorer.
 *
 * Goal: two feedback texts that a human would call "the same words" get the same
 * normalised form, so fraudsters can't dodge duplicate checks with case, accents,
 * punctuation, full-width letters, zero-width characters or look-alike letters.
 * Swedish å/ä/ö are separate letters (kön ≠ kon, får ≠ far), so they are kept;
 * other diacritics are dropped (café = cafe, ü = u).
 */

const KEPT_LETTERS = new Set(['å', 'ä', 'ö']);

/**
 * Single-character folds applied after lowercasing. Danish/Norwegian æ/ø are the
 * same letters as Swedish ä/ö; the Cyrillic/Greek entries are homoglyphs a
 * fraudster can paste to make a copied text look different to a naive comparison.
 */
const CHAR_FOLDS: Readonly<Record<string, string>> = {
  æ: 'ä', ø: 'ö', ß: 'ss', œ: 'oe', ı: 'i', ł: 'l', đ: 'd', þ: 'th', ð: 'd',
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't',
  у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ӏ: 'l',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
};

const FORMAT_CHAR = /\p{Cf}/u; // zero-width space/joiner, soft hyphen, BOM …
const COMBINING_MARK = /\p{M}/gu;

function foldChar(ch: string): string {
  if (KEPT_LETTERS.has(ch)) return ch;
  if (FORMAT_CHAR.test(ch)) return '';
  // Strip marks first, then fold the base letters: "ά" → "α" → "a" in one pass,
  // so normalising twice gives the same result as once.
  let out = '';
  for (const base of ch.normalize('NFD').replace(COMBINING_MARK, '')) out += CHAR_FOLDS[base] ?? base;
  return out;
}

/**
 * Lowercase and fold letters but keep punctuation, digits and spacing as they are
 * (the gibberish scorer needs to see them).
 */
export function foldText(text: string): string {
  // NFKC first: composes "a + ring" into å and turns full-width/ligature letters into plain ones.
  const lowered = text.normalize('NFKC').toLowerCase();
  let out = '';
  for (const ch of lowered) out += foldChar(ch);
  return out;
}

/**
 * Canonical form for comparing texts: folded, every run of non-letters/non-digits
 * replaced by one space, trimmed.
 */
export function normalizeText(text: string): string {
  return foldText(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Words of the normalised text (empty array for a text without letters or digits). */
export function normalizedWords(text: string): string[] {
  const normalized = normalizeText(text);
  return normalized === '' ? [] : normalized.split(' ');
}
