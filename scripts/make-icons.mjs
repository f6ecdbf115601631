#!/usr/bin/env node
// Draws the PWA icons (a white receipt with a teal tick on teal) as PNG and SVG without any image
// library: pixels are computed from simple shapes and written with zlib as a plain RGBA PNG.
// Run `node scripts/make-icons.mjs` after changing the design; the output is committed in web/public/icons.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const TEAL = [15, 118, 110];
const WHITE = [255, 255, 255];
const OUT = new URL('../web/public/icons/', import.meta.url);

/** Distance from point p to segment a–b (all in unit coordinates). */
function segDist(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function colourAt(u, v) {
  const inReceipt = u > 0.27 && u < 0.73 && v > 0.18 && v < 0.82;
  if (!inReceipt) return TEAL;
  const tick = Math.min(segDist(u, v, 0.36, 0.52, 0.46, 0.63), segDist(u, v, 0.46, 0.63, 0.64, 0.38));
  if (tick < 0.035) return TEAL;
  const line = (v > 0.27 && v < 0.3) || (v > 0.72 && v < 0.75);
  return line && u > 0.33 && u < 0.67 ? [153, 204, 199] : WHITE;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b] = colourAt((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, 255], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" fill="#0f766e"/>
<rect x="27" y="18" width="46" height="64" fill="#fff"/>
<path d="M36 52 L46 63 L64 38" fill="none" stroke="#0f766e" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;

for (const size of [192, 512]) writeFileSync(new URL(`icon-${size}.png`, OUT), png(size));
writeFileSync(new URL('icon.svg', OUT), svg);
console.log('icons written to web/public/icons');
