/**
 * Copied-feedback detection: exact duplicate keys, shingles, MinHash signatures and
 * LSH band keys.
 *
 * How the DB layer is meant to use it (`fingerprintText` bundles step 1):
 *   1. On submit, store `exactDuplicateKey(text)` (indexed) and
 *      `serializeSignature(minHashSignature(text))`, plus one row per
 *      `lshBandKeys(signature)` in an indexed band-key table.
 *   2. Exact copies: look up other sessions with the same duplicate key.
 *   3. Near copies: fetch sessions sharing ≥ 1 band key (the candidates), then
 *      confirm each. Prefer `textSimilarity` on the stored texts (exact); the
 *      signature estimate `estimateJaccard` has a standard error of ≈ 0.035 at 0.8,
 *      so about 1 in 60 one-word edits estimates just under 0.8.
 * Banding means no full scan: with 32 bands × 4 rows, a pair at Jaccard 0.8 shares
 * a band with probability ≈ 1 − (1 − 0.8⁴)³² > 0.99999, one at 0.3 only ≈ 0.23.
 */
import { createHash } from 'node:crypto';
import { deriveSeeds, fmix32, murmur3, murmur3Bytes } from './hash.js';
import { normalizeText, normalizedWords } from './normalize.js';

export { normalizeText } from './normalize.js';

export type MinHashSignature = Uint32Array;

export const NUM_HASHES = 128;
/** Characters per shingle. */
export const SHINGLE_SIZE = 5;
export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.8;
export const DEFAULT_LSH_BANDS = 32;
/**
 * Short answers ("Bra service, trevlig personal") are written independently by many
 * honest customers, so identical short texts are not evidence of copying.
 */
export const MIN_WORDS_FOR_DUPLICATE_CHECK = 6;

const SHINGLE_SEED = 0x4b767472; // "Kvtr"
const PERMUTATION_SEEDS = deriveSeeds(0x6d696e68, NUM_HASHES); // "minh"
const BAND_SEED = 0x62616e64; // "band"
const EMPTY_SLOT = 0xffffffff;
const SIGNATURE_PREFIX = 'mh1.';

/**
 * Shingle set of a text: character 5-grams of the normalised text (spaces included).
 *
 * Why not word 3-shingles: one changed word destroys three word shingles, so one edit
 * in a 30-word text already drops the exact Jaccard to ≈ 25/31 = 0.806 and the MinHash
 * estimate regularly below 0.8 — two edits (0.65) or a typo per sentence would evade
 * the check. Character 5-grams lose only the ~5 grams around each edit: one changed
 * word ≈ 0.85–0.94, two ≈ 0.84, typos ≈ 0.94, while unrelated texts stay < 0.05.
 * Texts of ≤ 5 characters are a single shingle.
 */
export function shingles(text: string): Set<string> {
  const joined = normalizeText(text);
  const out = new Set<string>();
  if (joined === '') return out;
  if (joined.length <= SHINGLE_SIZE) return out.add(joined);
  for (let i = 0; i + SHINGLE_SIZE <= joined.length; i++) out.add(joined.slice(i, i + SHINGLE_SIZE));
  return out;
}

/** Exact Jaccard index |A∩B| / |A∪B|; two empty sets count as identical (1). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Exact shingle similarity of two texts (use when both texts are at hand). */
export function textSimilarity(a: string, b: string): number {
  return jaccard(shingles(a), shingles(b));
}

export function nearDuplicate(a: string, b: string, threshold = DEFAULT_NEAR_DUPLICATE_THRESHOLD): boolean {
  return textSimilarity(a, b) >= threshold;
}

/**
 * MinHash signature over a shingle set: slot i holds min over shingles of
 * perm_i(hash(shingle)), where perm_i(x) = fmix32(x XOR seed_i) is a seeded bijection.
 * An empty set yields all-0xffffffff ("no content").
 */
export function signatureFromShingles(set: ReadonlySet<string>): MinHashSignature {
  const sig = new Uint32Array(NUM_HASHES).fill(EMPTY_SLOT);
  for (const shingle of set) {
    const base = murmur3(shingle, SHINGLE_SEED);
    for (let i = 0; i < NUM_HASHES; i++) {
      const value = fmix32(base ^ PERMUTATION_SEEDS[i]!);
      if (value < sig[i]!) sig[i] = value;
    }
  }
  return sig;
}

export function minHashSignature(text: string): MinHashSignature {
  return signatureFromShingles(shingles(text));
}

/** True for the signature of a text without any letters or digits. */
export function isEmptySignature(sig: MinHashSignature): boolean {
  return sig.every((v) => v === EMPTY_SLOT);
}

/** Share of equal slots: an unbiased estimate of the Jaccard index of the shingle sets. */
export function estimateJaccard(a: MinHashSignature, b: MinHashSignature): number {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(`signature lengths differ or are empty (${a.length} vs ${b.length})`);
  }
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

/** SHA-256 (hex) of the normalised text: equal keys ⇔ identical after normalisation. */
export function exactDuplicateKey(text: string): string {
  return createHash('sha256').update(normalizeText(text), 'utf8').digest('hex');
}

/** Whether a text is long enough that an exact/near copy of it is meaningful evidence. */
export function isDuplicateCheckEligible(text: string): boolean {
  return normalizedWords(text).length >= MIN_WORDS_FOR_DUPLICATE_CHECK;
}

export interface TextFingerprint {
  /** exactDuplicateKey(text). */
  exactKey: string;
  /** serializeSignature(minHashSignature(text)). */
  signature: string;
  /** lshBandKeys of the signature; empty when the text is too short to compare (see `eligible`). */
  bandKeys: string[];
  wordCount: number;
  /** isDuplicateCheckEligible(text): whether copies of this text count as evidence. */
  eligible: boolean;
}

/** Everything the DB stores per feedback text, in one call. */
export function fingerprintText(text: string, bands = DEFAULT_LSH_BANDS): TextFingerprint {
  const wordCount = normalizedWords(text).length;
  const eligible = wordCount >= MIN_WORDS_FOR_DUPLICATE_CHECK;
  const sig = minHashSignature(text);
  return { exactKey: exactDuplicateKey(text), signature: serializeSignature(sig), bandKeys: eligible ? lshBandKeys(sig, bands) : [], wordCount, eligible };
}

/**
 * LSH band keys: the signature is cut into `bands` bands of equal rows; each band is
 * hashed into a key such as "32b07:1a2b3c4d" (band count and index are part of the key
 * so different band layouts never collide). Two signatures are candidates when they
 * share any key. Empty signatures get no keys: "no text" must not form one huge bucket.
 */
export function lshBandKeys(sig: MinHashSignature, bands = DEFAULT_LSH_BANDS): string[] {
  if (!Number.isInteger(bands) || bands <= 0 || sig.length % bands !== 0) {
    throw new RangeError(`bands (${bands}) must be a positive divisor of the signature length (${sig.length})`);
  }
  if (isEmptySignature(sig)) return [];
  const rows = sig.length / bands;
  const keys: string[] = [];
  for (let band = 0; band < bands; band++) {
    const hash = murmur3Bytes(bandBytes(sig, band * rows, rows), BAND_SEED + band);
    keys.push(`${bands}b${String(band).padStart(2, '0')}:${hash.toString(16).padStart(8, '0')}`);
  }
  return keys;
}

/** Slots as explicit little-endian bytes, so keys don't depend on the platform's byte order. */
function bandBytes(sig: MinHashSignature, start: number, rows: number): Uint8Array {
  const bytes = new Uint8Array(rows * 4);
  const view = new DataView(bytes.buffer);
  for (let r = 0; r < rows; r++) view.setUint32(r * 4, sig[start + r]!, true);
  return bytes;
}

/** Whether two signatures share at least one band key (i.e. LSH would pair them). */
export function lshCandidates(a: MinHashSignature, b: MinHashSignature, bands = DEFAULT_LSH_BANDS): boolean {
  const keysA = new Set(lshBandKeys(a, bands));
  return lshBandKeys(b, bands).some((key) => keysA.has(key));
}

/** Compact storage form: "mh1." + base64url of the slots as big-endian uint32 (687 chars). */
export function serializeSignature(sig: MinHashSignature): string {
  const bytes = new Uint8Array(sig.length * 4);
  const view = new DataView(bytes.buffer);
  sig.forEach((value, i) => view.setUint32(i * 4, value, false));
  return SIGNATURE_PREFIX + Buffer.from(bytes).toString('base64url');
}

/** Inverse of serializeSignature; throws RangeError on anything it did not produce. */
export function deserializeSignature(serialized: string): MinHashSignature {
  const body = serialized.startsWith(SIGNATURE_PREFIX) ? serialized.slice(SIGNATURE_PREFIX.length) : null;
  if (body === null || !/^[A-Za-z0-9_-]*$/.test(body)) throw new RangeError('not a serialized MinHash signature');
  const bytes = Buffer.from(body, 'base64url');
  // Re-encoding must reproduce the input: rejects truncated or non-canonical strings.
  if (bytes.length !== NUM_HASHES * 4 || bytes.toString('base64url') !== body) {
    throw new RangeError('serialized MinHash signature has the wrong length');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sig = new Uint32Array(NUM_HASHES);
  for (let i = 0; i < NUM_HASHES; i++) sig[i] = view.getUint32(i * 4, false);
  return sig;
}
