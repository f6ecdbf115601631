import { loadUndici } from '../core/undici.js';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { decrypt, encrypt } from '../core/crypto.js';
import { nowIso } from '../core/ids.js';
import type { PosProvider } from '../pos/providers/types.js';
import type { PosApiClient } from './api-client.js';
import type { PosSyncConfig } from './config.js';
import { PosApiError } from './errors.js';
import type { ApiCredentials } from './types.js';

// Bound to the connection like the webhook signing key, so ciphertext copied to another row won't decrypt.
const aad = (connectionId: string) => `pos_api_credentials:${connectionId}`;

export interface StoredCredentials {
  credentials: ApiCredentials;
  expiresAt: string | null;
}

export async function loadCredentials(db: Db, key: Buffer, connectionId: string): Promise<StoredCredentials | null> {
  const row = await db.kysely.selectFrom('pos_api_credentials').selectAll().where('connection_id', '=', connectionId).executeTakeFirst();
  if (!row) return null;
  return { credentials: JSON.parse(decrypt(row.credentials_enc, key, aad(connectionId))) as ApiCredentials, expiresAt: row.access_token_expires_at };
}

export async function saveCredentials(db: Db, key: Buffer, connectionId: string, stored: StoredCredentials): Promise<void> {
  const values = { connection_id: connectionId, credentials_enc: encrypt(JSON.stringify(stored.credentials), key, aad(connectionId)), access_token_expires_at: stored.expiresAt, updated_at: nowIso() };
  await db.writer.run((trx) =>
    trx
      .insertInto('pos_api_credentials')
      .values(values)
      .onConflict((oc) => oc.column('connection_id').doUpdateSet({ credentials_enc: values.credentials_enc, access_token_expires_at: values.access_token_expires_at, updated_at: values.updated_at }))
      .execute(),
  );
}

/** Which fields each provider needs; checked when credentials are stored. */
export function missingCredentialFields(provider: PosProvider, c: ApiCredentials): string[] {
  if (provider === 'zettle') return c.apiKey && c.clientId ? [] : ['apiKey', 'clientId'].filter((f) => !c[f as keyof ApiCredentials]);
  return c.accessToken ? [] : ['accessToken'];
}

const squareTokenSchema = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1).optional(), expires_at: z.string().optional() });
const zettleTokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional(), refresh_token: z.string().optional() });

/** Treat a token as expired a minute early, so it does not lapse mid-run. */
export function isExpired(expiresAt: string | null, now = Date.now()): boolean {
  return expiresAt !== null && Date.parse(expiresAt) - 60_000 <= now;
}

/**
 * Access tokens per connection: read from the encrypted store, refreshed when expired or when the
 * provider answers 401 (once per call), and written back encrypted.
 */
export class TokenManager {
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
    private readonly cfg: PosSyncConfig,
    private readonly client: PosApiClient,
  ) {}

  /** Run `call` with a valid token; on 401 refresh once and retry. */
  async withToken<T>(provider: PosProvider, connectionId: string, call: (token: string) => Promise<T>): Promise<T> {
    const stored = await loadCredentials(this.db, this.key, connectionId);
    if (!stored) throw new PosApiError('no API credentials stored for this connection', 'unauthorized', null, false, false);
    let token = stored.credentials.accessToken && !isExpired(stored.expiresAt) ? stored.credentials.accessToken : await this.refresh(provider, connectionId, stored);
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof PosApiError && err.kind === 'unauthorized')) throw err;
      token = await this.refresh(provider, connectionId, stored);
      return call(token);
    }
  }

  private async refresh(provider: PosProvider, connectionId: string, stored: StoredCredentials): Promise<string> {
    const c = stored.credentials;
    let next: StoredCredentials;
    if (provider === 'zettle') next = await this.refreshZettle(c);
    else if (provider === 'square' && c.refreshToken && c.clientId && c.clientSecret) next = await this.refreshSquare(c);
    else throw new PosApiError(`${provider} access token rejected and it cannot be refreshed`, 'unauthorized', 401, false, false);
    await saveCredentials(this.db, this.key, connectionId, next);
    return next.credentials.accessToken!;
  }

  /** Square ObtainToken with grant_type=refresh_token (JSON body), through the failover endpoints. */
  private async refreshSquare(c: ApiCredentials): Promise<StoredCredentials> {
    const res = await this.client.request({ provider: 'square', operation: 'oauth.refresh', method: 'POST', path: '/oauth2/token', headers: { 'content-type': 'application/json', 'square-version': this.cfg.squareVersion }, body: JSON.stringify({ client_id: c.clientId, client_secret: c.clientSecret, grant_type: 'refresh_token', refresh_token: c.refreshToken }) });
    const token = squareTokenSchema.safeParse(JSON.parse(res.body));
    if (!token.success) throw new PosApiError('unexpected Square token response', 'invalid_response', res.status, false, false);
    return { credentials: { ...c, accessToken: token.data.access_token, refreshToken: token.data.refresh_token ?? c.refreshToken }, expiresAt: token.data.expires_at ?? null };
  }

  /** Zettle assertion grant: the merchant's API key is the JWT assertion (form-encoded). */
  private async refreshZettle(c: ApiCredentials): Promise<StoredCredentials> {
    if (!c.apiKey || !c.clientId) throw new PosApiError('Zettle needs apiKey and clientId', 'unauthorized', null, false, false);
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: c.clientId, assertion: c.apiKey });
    let res;
    try {
      const { request } = await loadUndici();
      res = await request(`${this.cfg.zettleOauthUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), headersTimeout: this.cfg.timeoutMs, bodyTimeout: this.cfg.timeoutMs });
    } catch (err) {
      throw new PosApiError(`Zettle OAuth unreachable: ${(err as Error).message}`, 'network', null, false, false);
    }
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new PosApiError(`Zettle OAuth answered ${res.statusCode}`, 'unauthorized', res.statusCode, false, false);
    const token = zettleTokenSchema.safeParse(JSON.parse(text));
    if (!token.success) throw new PosApiError('unexpected Zettle token response', 'invalid_response', res.statusCode, false, false);
    const expiresAt = token.data.expires_in ? new Date(Date.now() + token.data.expires_in * 1000).toISOString() : null;
    return { credentials: { ...c, accessToken: token.data.access_token }, expiresAt };
  }
}
