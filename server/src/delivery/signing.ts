import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { decrypt, encrypt } from '../core/crypto.js';

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const aad = (endpointId: string) => `webhook-endpoint-secret:${endpointId}`;

/** Bound to the endpoint id, so a sealed secret copied to another endpoint row does not open. */
export function sealSecret(key: Buffer, endpointId: string, secret: string): string {
  return encrypt(secret, key, aad(endpointId));
}

export function openSecret(key: Buffer, endpointId: string, sealed: string): string {
  return decrypt(sealed, key, aad(endpointId));
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs with every active secret; the spec allows several space-separated signatures, so during a
 * rotation receivers verify with either the old or the new secret.
 */
export function signPayload(secrets: string[], msgId: string, at: Date, body: string): SignedHeaders {
  const signatures = secrets.map((s) => new Webhook(s).sign(msgId, at, body));
  return { 'webhook-id': msgId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signatures.join(' ') };
}
