import { createHmac, timingSafeEqual } from 'node:crypto';

export type MacEncoding = 'base64' | 'hex';

/** HMAC-SHA256 with the key taken as its UTF-8 bytes, as every provider SDK does. */
export function hmacSha256(key: string, message: Buffer | string): Buffer {
  const hmac = createHmac('sha256', Buffer.from(key, 'utf8'));
  hmac.update(typeof message === 'string' ? Buffer.from(message, 'utf8') : message);
  return hmac.digest();
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict decode: Buffer.from(…, 'base64') silently skips junk characters, so
 * validate the alphabet first and treat anything malformed as "no bytes".
 */
export function decodeMac(value: string, encoding: MacEncoding): Buffer | null {
  const text = value.trim();
  if (text.length === 0) return null;
  if (encoding === 'hex') return HEX.test(text) ? Buffer.from(text, 'hex') : null;
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

/**
 * Constant-time check of a computed MAC against a header value in any of the
 * allowed encodings. A 64-char hex string is also valid base64 (of 48 bytes),
 * so each encoding is tried and the length check rejects the wrong reading.
 */
export function macMatchesHeader(
  expected: Buffer,
  header: string | undefined,
  encodings: readonly MacEncoding[] = ['base64', 'hex'],
): boolean {
  if (typeof header !== 'string' || expected.length === 0) return false;
  let matched = false;
  for (const encoding of encodings) {
    const given = decodeMac(header, encoding);
    if (given === null || given.length !== expected.length) continue;
    // No early exit: evaluate every encoding so timing doesn't depend on which one matched.
    if (timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
