import { createHmac, hkdfSync } from 'node:crypto';
import { decrypt, encrypt } from './crypto.js';

/**
 * Personal data helpers. Phone numbers, IPs and device ids are never stored in the clear:
 * a keyed hash (HMAC, key derived from ENCRYPTION_KEY) lets us count and deduplicate them,
 * and phone numbers needed for payouts are additionally sealed with AES-256-GCM.
 */
export class Pii {
  private readonly hashKey: Buffer;

  constructor(private readonly encryptionKey: Buffer) {
    this.hashKey = Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'kvittra-pii-hash-v1', 32));
  }

  hash(kind: 'phone' | 'ip' | 'device', value: string): string {
    return createHmac('sha256', this.hashKey).update(`${kind}:${value}`).digest('base64url');
  }

  seal(kind: string, value: string): string {
    return encrypt(value, this.encryptionKey, `pii:${kind}`);
  }

  open(kind: string, sealed: string): string {
    return decrypt(sealed, this.encryptionKey, `pii:${kind}`);
  }
}

/**
 * Swedish mobile numbers (07x) in any common writing — 070-123 45 67, +46 70 123 45 67, 0046701234567 —
 * normalised to E.164 (+467XXXXXXXX). Anything else is null.
 */
export function normaliseSwedishMobile(input: string): string | null {
  const compact = input.trim().replace(/[\s\-()]/g, '');
  let national: string;
  if (/^\+46\d+$/.test(compact)) national = compact.slice(3);
  else if (/^0046\d+$/.test(compact)) national = compact.slice(4);
  else if (/^0\d+$/.test(compact)) national = compact.slice(1);
  else return null;
  if (national.startsWith('0')) national = national.slice(1); // "+46 (0)70…"
  // Swedish mobile series: 70, 72, 73, 76, 79 followed by 7 digits.
  return /^7[02369]\d{7}$/.test(national) ? `+46${national}` : null;
}

export function maskPhone(e164: string): string {
  return `${e164.slice(0, 5)}•••••${e164.slice(-2)}`;
}
