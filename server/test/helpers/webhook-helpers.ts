import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config/load.js';
import { startPlatform } from '../../src/platform.js';
import { createLogger } from '../../src/core/logger.js';
import { backend, httpClient, TEST_ADMIN_TOKEN, TEST_PUBLIC_BASE_URL, type PlatformHandle, type TestPlatform } from './platform.js';
import type { SignedWebhook } from './pos-payloads.js';
import { APPLY_EVENT_JOB } from '../../src/pos/ingest-service.js';
import { createBusiness, setupConnection, validOrgNumber, type ConnectionSetup } from './fixtures.js';

export type Provider = 'square' | 'shopify' | 'zettle';
export const PROVIDERS: Provider[] = ['square', 'shopify', 'zettle'];

/** A valid, unique organisationsnummer: fixtures.validOrgNumber's sequence, shared with the other helpers. */
export function safeOrgNumber(): string {
  return validOrgNumber();
}

/** setupConnection() on a business created with a safe org number (unless one is given). */
export async function connect(p: PlatformHandle, provider: Provider, businessId?: string): Promise<ConnectionSetup> {
  const bid = businessId ?? (await createBusiness(p, { orgNumber: safeOrgNumber() })).id;
  return setupConnection(p, provider, bid);
}

export interface RowCounts {
  webhook_events: number;
  webhook_dead_letters: number;
  transactions: number;
  jobs: number;
}

/**
 * Row counts of every table a webhook may write to. `jobs` counts only the apply jobs webhooks enqueue (of the
 * connection's events when one is given): the periodic jobs the scheduler adds at each 5-minute boundary
 * (e.g. sessions.expire) are not the test's and once made "nothing was written" checks fail.
 */
export async function countRows(p: Pick<TestPlatform, 'ctx'>, connectionId?: string): Promise<RowCounts> {
  const db = p.ctx.db.kysely;
  const count = async (table: 'webhook_events' | 'webhook_dead_letters' | 'transactions') => {
    let q = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    if (connectionId) q = q.where('connection_id', '=', connectionId);
    const row = await q.executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return { webhook_events: await count('webhook_events'), webhook_dead_letters: await count('webhook_dead_letters'), transactions: await count('transactions'), jobs: await countApplyJobs(p, connectionId) };
}

/** Apply jobs (payload `{"eventRowId": …}`), of one connection's events when given. */
async function countApplyJobs(p: Pick<TestPlatform, 'ctx'>, connectionId?: string): Promise<number> {
  const db = p.ctx.db.kysely;
  let q = db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', APPLY_EVENT_JOB);
  if (connectionId) {
    const events = await db.selectFrom('webhook_events').select('id').where('connection_id', '=', connectionId).execute();
    q = q.where('payload', 'in', ['', ...events.map((e) => JSON.stringify({ eventRowId: e.id }))]);
  }
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

export function send(p: Pick<TestPlatform, 'api'>, wh: SignedWebhook) {
  return p.api('POST', wh.path, wh.body, wh.headers);
}

/** Every transaction of a business (one page is enough for these tests). */
export async function transactionsOf(p: PlatformHandle, businessId: string): Promise<any[]> {
  const res = await p.admin('GET', `/admin/businesses/${businessId}/transactions?limit=100`);
  if (res.status !== 200) throw new Error(`transactions: ${res.status} ${res.text}`);
  return res.body.items;
}

export async function deadLettersOf(p: TestPlatform, businessId: string, connectionId: string): Promise<any[]> {
  const res = await p.admin('GET', `/admin/businesses/${businessId}/pos-connections/${connectionId}/dead-letters?limit=100`);
  if (res.status !== 200) throw new Error(`dead-letters: ${res.status} ${res.text}`);
  return res.body.items;
}

export async function eventsOf(p: Pick<TestPlatform, 'ctx'>, connectionId: string) {
  return p.ctx.db.kysely.selectFrom('webhook_events').selectAll().where('connection_id', '=', connectionId).orderBy('id').execute();
}

/** Drain the queue and fail loudly if it does not empty. */
export async function drain(p: Pick<PlatformHandle, 'ctx'>): Promise<void> {
  if (!(await p.ctx.queue.drain(15_000))) throw new Error('queue did not drain');
}

/**
 * A raw HTTP POST through node:http, so tests control every header (duplicates, odd content
 * types, content-encoding) and send arbitrary bytes. Header values must be valid HTTP tokens.
 */
export function rawPost(baseUrl: string, urlPath: string, body: Buffer, headers: OutgoingHttpHeaders): Promise<{ status: number; text: string }> {
  const url = new URL(baseUrl + urlPath);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': body.length }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A database (and key) that outlives one platform, so a test can stop a platform and start another on it. */
export interface SharedDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createSharedDatabase(): Promise<SharedDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kvittra-wh-'));
  let url = path.join(dataDir, 'test.sqlite');
  let dropPg: (() => Promise<void>) | null = null;
  if (backend === 'postgres') {
    const adminUrl = process.env.KVITTRA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `kvittra_wh_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    dropPg = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url, ENCRYPTION_KEY: randomBytes(32).toString('hex') },
    async drop() {
      await dropPg?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A platform on a shared database; `startWorkers: false` models a process that dies before its worker runs. */
export async function startOnSharedDatabase(shared: SharedDatabase, opts: { startWorkers: boolean; env?: Record<string, string> }): Promise<TestPlatform> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    LOG_LEVEL: process.env.KVITTRA_TEST_LOG ?? 'silent',
    QUEUE_POLL_INTERVAL_MS: '50',
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0', // loaded test machines stall event loops; shedding has its own test
    ...shared.env,
    ...opts.env,
  });
  const platform = await startPlatform(config, { logger: createLogger(config.logLevel), startWorkers: opts.startWorkers });
  const baseUrl = platform.url.replace('0.0.0.0', '127.0.0.1');
  const api = httpClient(baseUrl);
  return {
    ...platform,
    baseUrl,
    api,
    admin: (method, urlPath, body) => api(method, urlPath, body, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }),
    stop: () => platform.close(),
  };
}
