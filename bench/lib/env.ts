/**
 * Throwaway databases and the server's environment for a scenario: a fresh SQLite file in a temp folder,
 * or (--pg) a fresh PostgreSQL database created and dropped around the scenario, as the tests do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseTarget } from '../../server/src/config/load.js';
import type { SeedTarget } from './seed.js';

export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
export const BENCH_PUBLIC_BASE_URL = 'https://bench.kvittra.test';
const PG_ADMIN_URL = process.env.KVITTRA_BENCH_PG_URL ?? process.env.KVITTRA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Throwaway {
  backend: 'sqlite' | 'postgres';
  database: DatabaseTarget;
  databaseUrl: string;
  dataDir: string;
  encryptionKey: Buffer;
  seedTarget: SeedTarget;
  drop(): Promise<void>;
}

export async function createThrowaway(backend: 'sqlite' | 'postgres', label: string): Promise<Throwaway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `kvittra-bench-${label}-`));
  const encryptionKey = randomBytes(32);
  let database: DatabaseTarget;
  let drop = async () => undefined as void;
  if (backend === 'postgres') {
    const name = `kvittra_bench_${label.replace(/\W/g, '_')}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    database = { kind: 'postgres', url: url.toString() };
    drop = async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    database = { kind: 'sqlite', file: path.join(dataDir, 'bench.sqlite') };
  }
  const databaseUrl = database.kind === 'sqlite' ? database.file : database.url;
  return {
    backend,
    database,
    databaseUrl,
    dataDir,
    encryptionKey,
    seedTarget: { database, encryptionKey, publicBaseUrl: BENCH_PUBLIC_BASE_URL },
    async drop() {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The server's environment in the benchmark: production mode, durable SQLite (synchronous=FULL, the
 * default), warn-level logs, and the two limits that would otherwise measure the limiter instead of the
 * server: the per-connection webhook limit is lifted, and X-Forwarded-For from loopback is trusted so each
 * virtual customer has its own client address (the per-IP limits still run on every request).
 */
export function serverEnv(t: Throwaway, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: t.dataDir,
    DATABASE_URL: t.databaseUrl,
    ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    ENCRYPTION_KEY: t.encryptionKey.toString('hex'),
    PUBLIC_BASE_URL: BENCH_PUBLIC_BASE_URL,
    LOG_LEVEL: process.env.KVITTRA_BENCH_LOG_LEVEL ?? 'warn',
    RATE_LIMIT_WEBHOOKS_PER_MINUTE: '1000000000',
    TRUST_PROXY: '127.0.0.1',
    // Production requires a mail server; the benchmarks never send mail, so nothing listens here.
    SMTP_URL: 'smtp://127.0.0.1:2525',
    ...extra,
  };
}
