import { describe, expect, it } from 'vitest';
import { decodeMac, hmacSha256, macMatchesHeader } from '../../../src/pos/providers/signature.js';
import { hmac, loadFixture } from './helpers.js';

interface SquareVector {
  webhookUrl: string;
  signingKey: string;
  rawBody: string;
  signatureBase64: string;
  signatureHex: string;
}
const vector = loadFixture<SquareVector>('square-official-vector.json');

describe('hmacSha256', () => {
  it('reproduces the official Square vector from a string and from bytes', () => {
    const message = vector.webhookUrl + vector.rawBody;
    expect(hmacSha256(vector.signingKey, message).toString('base64')).toBe(vector.signatureBase64);
    expect(hmacSha256(vector.signingKey, Buffer.from(message)).toString('hex')).toBe(vector.signatureHex);
  });

  it('treats the key as UTF-8', () => {
    expect(hmacSha256('nyckel-åäö', 'x').toString('hex')).toBe(hmac('nyckel-åäö', 'x', 'hex'));
  });
});

describe('decodeMac', () => {
  it('rejects malformed text instead of decoding it leniently', () => {
    expect(decodeMac('abc', 'hex')).toBeNull(); // odd length
    expect(decodeMac('zz', 'hex')).toBeNull();
    expect(decodeMac('GF4Y!krJg', 'base64')).toBeNull();
    expect(decodeMac('abc', 'base64')).toBeNull(); // not a multiple of 4
    expect(decodeMac('', 'base64')).toBeNull();
  });

  it('decodes valid input', () => {
    expect(decodeMac('0aff', 'hex')).toEqual(Buffer.from([0x0a, 0xff]));
    expect(decodeMac(' AAE= ', 'base64')).toEqual(Buffer.from([0, 1]));
  });
});

describe('macMatchesHeader', () => {
  const mac = Buffer.from(vector.signatureHex, 'hex');

  it('accepts base64 and hex (any case) of the same MAC', () => {
    expect(macMatchesHeader(mac, vector.signatureBase64)).toBe(true);
    expect(macMatchesHeader(mac, vector.signatureHex)).toBe(true);
    expect(macMatchesHeader(mac, vector.signatureHex.toUpperCase())).toBe(true);
  });

  it('honours the allowed encodings', () => {
    expect(macMatchesHeader(mac, vector.signatureHex, ['base64'])).toBe(false);
    expect(macMatchesHeader(mac, vector.signatureBase64, ['hex'])).toBe(false);
  });

  it('rejects a different MAC, a truncated one, and garbage without throwing', () => {
    const other = Buffer.from(mac);
    other[31] = (other[31] ?? 0) ^ 1;
    expect(macMatchesHeader(other, vector.signatureBase64)).toBe(false);
    expect(macMatchesHeader(mac, vector.signatureHex.slice(0, 62))).toBe(false);
    expect(macMatchesHeader(mac, vector.signatureBase64.slice(0, -4))).toBe(false);
    for (const junk of [undefined, '', '   ', '=', '%%%', 'null', '\u0000']) {
      expect(macMatchesHeader(mac, junk)).toBe(false);
    }
  });

  it('never matches an empty expected MAC', () => {
    expect(macMatchesHeader(Buffer.alloc(0), '')).toBe(false);
  });
});
