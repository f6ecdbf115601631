import { createHash, hkdfSync } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { AppError } from '../core/errors.js';

export type TokenPurpose = 'invite' | 'reset';

/** SHA-256 of a token: what the database keeps, so a leaked table cannot be replayed as links. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Signed link tokens (HS256 JWTs). The signature and `exp` reject forged or stale links before any
 * database lookup; single use comes from the row (`accepted_at` / `used_at`) found by the token's hash.
 */
export class LinkTokens {
  private readonly key: Uint8Array;
  constructor(encryptionKey: Buffer) {
    this.key = new Uint8Array(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'kvittra-link-tokens-v1', 32));
  }

  async sign(purpose: TokenPurpose, rowId: string, expiresAt: Date): Promise<string> {
    return new SignJWT({ pur: purpose })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(rowId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
  }

  /** The row id the token names, or `invalid_token` for anything forged, expired or of another purpose. */
  async verify(purpose: TokenPurpose, token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (payload.pur !== purpose || typeof payload.sub !== 'string') throw new Error('wrong purpose');
      return payload.sub;
    } catch {
      throw new AppError('invalid_token');
    }
  }
}
