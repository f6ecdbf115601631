import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LSH_BANDS,
  NUM_HASHES,
  deserializeSignature,
  estimateJaccard,
  exactDuplicateKey,
  fingerprintText,
  isDuplicateCheckEligible,
  isEmptySignature,
  jaccard,
  lshBandKeys,
  lshCandidates,
  minHashSignature,
  murmur3,
  nearDuplicate,
  normalizeText,
  serializeSignature,
  shingles,
  signatureFromShingles,
  textSimilarity,
} from '../../src/fraud/index.js';
import { FEEDBACK_CORPUS } from './fixtures.js';

/** Every text in the corpus with the word at each position replaced by each replacement. */
function oneWordEdits(replacements = ['utbytt', 'ny', 'fantastiskt']): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const text of FEEDBACK_CORPUS) {
    const words = text.split(' ');
    words.forEach((_, i) => {
      for (const r of replacements) pairs.push([text, words.map((w, j) => (j === i ? r : w)).join(' ')]);
    });
  }
  return pairs;
}

function unrelatedPairs(): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  FEEDBACK_CORPUS.forEach((a, i) => FEEDBACK_CORPUS.slice(i + 1).forEach((b) => pairs.push([a, b])));
  return pairs;
}

describe('murmur3 (official MurmurHash3_x86_32 vectors)', () => {
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ])('murmur3(%j, %i)', (text, seed, expected) => {
    expect(murmur3(text, seed)).toBe(expected);
  });
});

describe('normalizeText', () => {
  it('lowercases, strips punctuation and collapses whitespace', () => {
    expect(normalizeText('  Kaffet  VAR gott!!!\n\tMen… kön var lång.  ')).toBe('kaffet var gott men kön var lång');
  });

  it('drops foreign diacritics but keeps å/ä/ö distinct letters', () => {
    expect(normalizeText('Café Crème Über')).toBe('cafe creme uber');
    expect(normalizeText('KÖN ÅR ÄR')).toBe('kön år är');
    expect(normalizeText('kön')).not.toBe(normalizeText('kon'));
    expect(normalizeText('får')).not.toBe(normalizeText('far'));
  });

  it('defeats evasion: decomposed å, Danish æ/ø, zero-width chars, full-width and Cyrillic look-alikes', () => {
    expect(normalizeText('ka\u030aka')).toBe('kåka');
    expect(normalizeText('Smørrebrød og æble')).toBe('smörrebröd og äble');
    expect(normalizeText('kaf\u200bfe\u00ad')).toBe('kaffe');
    expect(normalizeText('ＫＡＦＦＥ')).toBe('kaffe');
    expect(normalizeText('kаffе')).toBe('kaffe'); // Cyrillic а and е
  });
});

describe('exactDuplicateKey', () => {
  it('is equal for texts identical after normalisation', () => {
    const a = 'Kaffet var gott, men kön var lång!';
    const b = '  KAFFET var gott men kön   var lång ';
    expect(exactDuplicateKey(a)).toBe(exactDuplicateKey(b));
    expect(exactDuplicateKey(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when a word or a Swedish letter differs', () => {
    expect(exactDuplicateKey('Kaffet var gott')).not.toBe(exactDuplicateKey('Kaffet var kallt'));
    expect(exactDuplicateKey('kön var lång')).not.toBe(exactDuplicateKey('kon var lang'));
  });

  it('is the SHA-256 of the normalised text', () => {
    const expected = createHash('sha256').update('kaffet var gott', 'utf8').digest('hex');
    expect(exactDuplicateKey('Kaffet VAR gott.')).toBe(expected);
  });
});

describe('shingles', () => {
  it('are the character 5-grams of the normalised text', () => {
    expect([...shingles('Bra, Kaffe!')]).toEqual(['bra k', 'ra ka', 'a kaf', ' kaff', 'kaffe']);
  });

  it('keep a very short text as one shingle and give an empty text none', () => {
    expect([...shingles('OK!')]).toEqual(['ok']);
    expect(shingles(' ?! ').size).toBe(0);
  });
});

describe('similarity of texts', () => {
  it('identical after normalisation → similarity 1 and near-duplicate', () => {
    const a = FEEDBACK_CORPUS[0]!;
    expect(textSimilarity(a, `${a.toUpperCase()}!!!`)).toBe(1);
    expect(nearDuplicate(a, a.replace(/ /g, '  '))).toBe(true);
  });

  it('one word changed anywhere in a ~30-word text stays a near-duplicate (exact ≥ 0.8)', () => {
    const pairs = oneWordEdits();
    expect(pairs.length).toBeGreaterThan(1000);
    for (const [a, b] of pairs) expect(textSimilarity(a, b), b).toBeGreaterThanOrEqual(0.8);
    expect(pairs.every(([a, b]) => nearDuplicate(a, b))).toBe(true);
  });

  it('one word changed: MinHash estimates are ≥ 0.8 for ≥ 95 % of edits, mean ≥ 0.85', () => {
    const estimates = oneWordEdits().map(([a, b]) => estimateJaccard(minHashSignature(a), minHashSignature(b)));
    const mean = estimates.reduce((s, e) => s + e, 0) / estimates.length;
    expect(mean).toBeGreaterThanOrEqual(0.85);
    expect(estimates.filter((e) => e >= 0.8).length / estimates.length).toBeGreaterThanOrEqual(0.95);
  });

  it('Swedish light edits: two words changed, typos, a dropped comma → still near-duplicates', () => {
    const original = 'Personalen i butiken var trevlig och hjälpsam när jag letade efter glutenfritt bröd men hyllorna var halvtomma och priserna kändes höga jämfört med andra affärer i området';
    const edited = 'Personalen i affären var trevlig och hjälpsam när jag letade efter glutenfritt bröd, men hyllorna var nästan tomma och priserna kändes höga jämfört med andra affärer i området';
    const typos = original.replace('trevlig', 'trevli').replace('glutenfritt', 'glutenfrit').replace('jämfört', 'jamfört');
    expect(textSimilarity(original, edited)).toBeGreaterThanOrEqual(0.8);
    expect(textSimilarity(original, typos)).toBeGreaterThanOrEqual(0.8);
    expect(nearDuplicate(original, 'Jag älskar er kanelbullar och kommer tillbaka varje fredag med hela familjen')).toBe(false);
  });

  it('unrelated texts are < 0.3 (exact and estimated)', () => {
    for (const [a, b] of unrelatedPairs()) {
      expect(textSimilarity(a, b)).toBeLessThan(0.3);
      expect(estimateJaccard(minHashSignature(a), minHashSignature(b))).toBeLessThan(0.3);
    }
  });

  it('jaccard counts shared over union', () => {
    expect(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBe(0.5);
    expect(jaccard(new Set(), new Set())).toBe(1);
    expect(jaccard(new Set(['a']), new Set())).toBe(0);
  });
});

describe('MinHash signatures', () => {
  it('have 128 slots and are deterministic (golden value)', () => {
    const sig = minHashSignature('Kaffet var gott men kön var lång.');
    expect(sig).toHaveLength(NUM_HASHES);
    expect(Array.from(sig.slice(0, 4))).toEqual([78993047, 73533275, 77120553, 448911042]);
    const digest = createHash('sha256').update(serializeSignature(sig)).digest('hex');
    expect(digest).toBe('a3000b8f0d61d81abc3cbb38862c1abe2b5fd57de80dbfc4b625e49b0fe33cd0');
  });

  it('estimate the Jaccard index without bias and with binomial error (seeded synthetic sets)', () => {
    const pool = [...new Set(FEEDBACK_CORPUS.flatMap((t) => [...shingles(t)]))];
    let state = 12345;
    const rand = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    let bias = 0;
    let squared = 0;
    let theory = 0;
    const trials = 400;
    for (let k = 0; k < trials; k++) {
      const a = new Set<string>();
      const b = new Set<string>();
      const shared = rand();
      for (let i = 0; i < 200; i++) {
        const s = pool[Math.floor(rand() * pool.length)]!;
        const r = rand();
        if (r < shared) {
          a.add(s);
          b.add(s);
        } else (r < shared + (1 - shared) / 2 ? a : b).add(s);
      }
      const exact = jaccard(a, b);
      const est = estimateJaccard(signatureFromShingles(a), signatureFromShingles(b));
      bias += est - exact;
      squared += (est - exact) ** 2;
      theory += (exact * (1 - exact)) / NUM_HASHES;
    }
    expect(Math.abs(bias / trials)).toBeLessThan(0.01);
    expect(Math.sqrt(squared / trials)).toBeLessThan(1.25 * Math.sqrt(theory / trials));
  });

  it('mark texts without content as empty and reject length mismatches', () => {
    expect(isEmptySignature(minHashSignature('!!! ...'))).toBe(true);
    expect(isEmptySignature(minHashSignature('Bra'))).toBe(false);
    expect(() => estimateJaccard(new Uint32Array(128), new Uint32Array(64))).toThrow(RangeError);
  });
});

describe('LSH band keys', () => {
  it('give one key per band, formatted with band count and index', () => {
    const keys = lshBandKeys(minHashSignature(FEEDBACK_CORPUS[0]!));
    expect(keys).toHaveLength(DEFAULT_LSH_BANDS);
    expect(new Set(keys).size).toBe(DEFAULT_LSH_BANDS);
    expect(keys[0]).toMatch(/^32b00:[0-9a-f]{8}$/);
    expect(keys[31]).toMatch(/^32b31:[0-9a-f]{8}$/);
    expect(lshBandKeys(minHashSignature(FEEDBACK_CORPUS[0]!), 16)[0]).toMatch(/^16b00:/);
  });

  it('pair every light edit in the corpus with its original (≥ 1 shared band key)', () => {
    const pairs = oneWordEdits(['utbytt', 'fantastiskt']);
    const missed = pairs.filter(([a, b]) => !lshCandidates(minHashSignature(a), minHashSignature(b)));
    expect(missed).toEqual([]);
  });

  it('rarely pair unrelated texts', () => {
    const paired = unrelatedPairs().filter(([a, b]) => lshCandidates(minHashSignature(a), minHashSignature(b)));
    expect(paired.length).toBeLessThanOrEqual(1);
  });

  it('reject band counts that do not divide the signature, and skip empty signatures', () => {
    const sig = minHashSignature(FEEDBACK_CORPUS[1]!);
    expect(() => lshBandKeys(sig, 30)).toThrow(RangeError);
    expect(() => lshBandKeys(sig, 0)).toThrow(RangeError);
    expect(lshBandKeys(minHashSignature('...'))).toEqual([]);
  });
});

describe('signature serialisation', () => {
  it('round-trips exactly in a compact string', () => {
    for (const text of FEEDBACK_CORPUS) {
      const sig = minHashSignature(text);
      const s = serializeSignature(sig);
      expect(s).toMatch(/^mh1\.[A-Za-z0-9_-]{683}$/);
      expect(deserializeSignature(s)).toEqual(sig);
    }
  });

  it('rejects strings it did not produce', () => {
    const good = serializeSignature(minHashSignature('Kaffet var gott'));
    expect(() => deserializeSignature(good.slice(0, -4))).toThrow(RangeError);
    expect(() => deserializeSignature(`mh2.${good.slice(4)}`)).toThrow(RangeError);
    expect(() => deserializeSignature(`${good.slice(0, 10)}+${good.slice(11)}`)).toThrow(RangeError);
    expect(() => deserializeSignature(`${good}=`)).toThrow(RangeError);
    expect(() => deserializeSignature('')).toThrow(RangeError);
  });

  it('rejects a non-canonical encoding of the same bytes (unused low bits set in the last character)', () => {
    const good = serializeSignature(minHashSignature('Kaffet var gott'));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(good.at(-1)!) ^ 1]!;
    const tampered = good.slice(0, -1) + twin;
    expect(Buffer.from(tampered.slice(4), 'base64url')).toEqual(Buffer.from(good.slice(4), 'base64url'));
    expect(() => deserializeSignature(tampered)).toThrow(RangeError);
  });
});

describe('fingerprintText', () => {
  it('bundles key, signature and band keys for long texts', () => {
    const text = FEEDBACK_CORPUS[2]!;
    const fp = fingerprintText(text);
    expect(fp.exactKey).toBe(exactDuplicateKey(text));
    expect(deserializeSignature(fp.signature)).toEqual(minHashSignature(text));
    expect(fp.bandKeys).toEqual(lshBandKeys(minHashSignature(text)));
    expect(fp.eligible).toBe(true);
  });

  it('does not index short stock answers', () => {
    expect(isDuplicateCheckEligible('Bra service, trevlig personal')).toBe(false);
    const fp = fingerprintText('Bra service, trevlig personal');
    expect(fp).toMatchObject({ eligible: false, bandKeys: [], wordCount: 4 });
  });
});
