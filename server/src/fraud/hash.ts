/**
 * Deterministic 32-bit hashing (MurmurHash3 x86_32) for MinHash and LSH band keys.
 * Hand-written rather than node:crypto because MinHash needs millions of cheap,
 * seeded 32-bit hashes, and the values must be identical on every machine and run
 * (they are stored in the database and compared later). No Math.random anywhere.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const encoder = new TextEncoder();

/** MurmurHash3 finaliser: a bijection on 32-bit integers with full avalanche. */
export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function scramble(k: number): number {
  return Math.imul(rotl32(Math.imul(k, C1), 15), C2);
}

/** MurmurHash3 x86_32 of raw bytes; returns an unsigned 32-bit integer. */
export function murmur3Bytes(bytes: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  const blocks = bytes.length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const j = i * 4;
    const k = bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16) | (bytes[j + 3]! << 24);
    h ^= scramble(k);
    h = (Math.imul(rotl32(h, 13), 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  const rest = bytes.length & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[tail + 2]! << 16;
    if (rest >= 2) k ^= bytes[tail + 1]! << 8;
    k ^= bytes[tail]!;
    h ^= scramble(k);
  }
  return fmix32(h ^ bytes.length);
}

/** MurmurHash3 of a string's UTF-8 bytes (so the value never depends on the JS engine). */
export function murmur3(text: string, seed = 0): number {
  return murmur3Bytes(encoder.encode(text), seed);
}

/** `count` well-spread 32-bit seeds from one master seed (SplitMix-style counter + mixer). */
export function deriveSeeds(master: number, count: number): Uint32Array {
  const seeds = new Uint32Array(count);
  let state = master >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) >>> 0;
    seeds[i] = fmix32(state);
  }
  return seeds;
}
