import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConnectionContext, PosProvider, RawWebhook } from '../../../src/pos/providers/types.js';

const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/pos/', import.meta.url));

/** A golden fixture: raw body kept as a string so 64-bit ids stay byte-exact. */
export interface Fixture {
  source: string;
  signingKey: string;
  webhookUrl?: string;
  headers: Record<string, string>;
  rawBody: string;
  expected: unknown;
}

export function loadFixture<T = Fixture>(name: string): T {
  return JSON.parse(readFileSync(FIXTURE_DIR + name, 'utf8')) as T;
}

export function connFor(provider: PosProvider, signingKey: string, webhookUrl = ''): ConnectionContext {
  return { provider, externalMerchantId: 'm', externalLocationId: null, signingKey, webhookUrl };
}

export function reqOf(rawBody: string | Buffer, headers: Record<string, string | undefined>): RawWebhook {
  return { rawBody: typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody, headers };
}

/** Independent of src/: plain node:crypto, so a bug in signature.ts can't hide behind itself. */
export function hmac(key: string, message: string | Buffer, encoding: 'base64' | 'hex'): string {
  return createHmac('sha256', key).update(message).digest(encoding);
}
