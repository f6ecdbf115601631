import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, safeEqual } from '../../src/core/crypto.js';

const key = randomBytes(32);

describe('AES-256-GCM sealing', () => {
  it('round-trips any string and never repeats a ciphertext', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const a = encrypt(s, key, 'aad');
        expect(decrypt(a, key, 'aad')).toBe(s);
        expect(encrypt(s, key, 'aad')).not.toBe(a);
      }),
    );
  });

  it('fails on a wrong key, wrong AAD or a tampered ciphertext', () => {
    const sealed = encrypt('signing-key', key, 'pos_connection:1');
    expect(() => decrypt(sealed, randomBytes(32), 'pos_connection:1')).toThrow();
    expect(() => decrypt(sealed, key, 'pos_connection:2')).toThrow();
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64url');
    expect(() => decrypt(parts.join('.'), key, 'pos_connection:1')).toThrow();
    expect(() => decrypt('garbage', key)).toThrow(/format/);
  });

  it('safeEqual compares exactly', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});
