import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config/load.js';
import { startPlatform, type Platform } from '../../src/platform.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import type { DestinationStream } from 'pino';
import type { Db } from '../../src/db/database.js';
import type { JobQueue } from '../../src/queue/job-queue.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const TEST_PUBLIC_BASE_URL = 'https://kvittra.test';
const PG_ADMIN_URL = process.env.KVITTRA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const backend = (process.env.KVITTRA_TEST_DB ?? 'sqlite') as 'sqlite' | 'postgres';
/** True only outside CI when no PostgreSQL answers; the global setup fails the run in CI instead. */
export const backendUnavailable = backend === 'postgres' && !!process.env.KVITTRA_PG_UNAVAILABLE;

/**
 * What tests need of a running platform, whether it runs in the test process on the sources
 * (TestPlatform, the integration suites) or as the built server in its own process (ServedPlatform: the
 * e2e and shipped suites). `ctx.db` is a connection to the platform's database for seeding and read-back.
 */
export interface PlatformHandle {
  baseUrl: string;
  api: ApiCall;
  admin(method: string, urlPath: string, body?: unknown): ReturnType<ApiCall>;
  ctx: { db: Pick<Db, 'kysely' | 'dialect'>; queue: Pick<JobQueue, 'drain'> };
  stop(): Promise<void>;
}

export type ApiCall = (method: string, urlPath: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any; headers: Headers; text: string }>;

export interface TestPlatform extends Platform {
  baseUrl: string;
  api(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  admin(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  stop(): Promise<void>;
}

/** An empty PostgreSQL database; `drop()` removes it even while servers still hold connections. */
export async function createScratchPostgres(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const createThrowawayPostgres = () => createScratchPostgres('kvittra_t');

/** JSON-over-HTTP client for a test server: parses JSON bodies, keeps the raw text and headers. */
export function httpClient(baseUrl: string): TestPlatform['api'] {
  return async (method, urlPath, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + urlPath, init);
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
}

/**
 * A real server on a free loopback port with its own throwaway database (SQLite file or PostgreSQL database).
 * `opts.logger` replaces the default logger (LOG_LEVEL, silent unless KVITTRA_TEST_LOG); `opts.logTo` keeps the
 * default logger but sends its lines there (with LOG_LEVEL in `env`), for tests of what reaches the log.
 */
export async function startTestPlatform(env: Record<string, string> = {}, opts: { logger?: Logger; logTo?: DestinationStream } = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kvittra-test-'));
  const pgDb = backend === 'postgres' ? await createThrowawayPostgres() : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: pgDb?.url ?? path.join(dataDir, 'test.sqlite'),
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    LOG_LEVEL: process.env.KVITTRA_TEST_LOG ?? 'silent',
    QUEUE_POLL_INTERVAL_MS: '50',
    // Parallel suites on a loaded CI machine stall event loops; shedding is tested on its own.
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
  const platform = await startPlatform(config, { logger: opts.logger ?? createLogger(config.logLevel, opts.logTo) });
  const baseUrl = platform.url.replace('0.0.0.0', '127.0.0.1');

  const api = httpClient(baseUrl);

  let stopped = false;
  return {
    ...platform,
    baseUrl,
    api,
    admin: (method, urlPath, body) => api(method, urlPath, body, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await platform.close();
      await pgDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A migrated database of the current backend without an HTTP server, for repository-level tests. */
export async function openTestDatabase() {
  const { openDatabase } = await import('../../src/db/database.js');
  const { migrateToLatest } = await import('../../src/db/migrate.js');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kvittra-db-'));
  const pgDb = backend === 'postgres' ? await createThrowawayPostgres() : null;
  const db = openDatabase(pgDb ? { kind: 'postgres', url: pgDb.url } : { kind: 'sqlite', file: path.join(dataDir, 'test.sqlite') });
  await migrateToLatest(db);
  return {
    db,
    async close() {
      await db.close();
      await pgDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
