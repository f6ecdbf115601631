import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/database.js';
import { backend, createScratchPostgres, httpClient, type PlatformHandle } from './platform.js';
import { openInspector } from './process-db.js';
import { freePort, PROCESS_ADMIN_TOKEN, serverEnv, startServerProcess, type ServerProcess } from './process-server.js';

export interface ServedPlatform extends PlatformHandle {
  server: ServerProcess;
  databaseUrl: string;
  dataDir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until no job is running and none is due, read from the database the server writes: the served
 * platform's counterpart of JobQueue.drain(). Two empty reads in a row, so a job that a finished one just
 * enqueued (an outbound delivery after an applied sale) is waited for too.
 */
async function drainFromOutside(db: Pick<Db, 'kysely'>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let emptyReads = 0;
  while (Date.now() < deadline) {
    const busy = await db.kysely
      .selectFrom('jobs')
      .select('id')
      .where((eb) => eb.or([eb('status', '=', 'running'), eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', new Date().toISOString())])]))
      .limit(1)
      .execute();
    emptyReads = busy.length === 0 ? emptyReads + 1 : 0;
    if (emptyReads >= 2) return true;
    await sleep(25);
  }
  return false;
}

export interface ServedOptions {
  /** The database the server runs on; by default the project's (KVITTRA_TEST_DB, else SQLite). */
  backend?: typeof backend;
}

/**
 * The shipped server (`node server/dist/kvittra.mjs`) on a free loopback port with its own throwaway
 * database (SQLite file, or a scratch PostgreSQL database under KVITTRA_TEST_DB=postgres or
 * `{ backend: 'postgres' }`), dropped by stop(). `env` adds to or overrides the test environment (e.g.
 * fake provider URLs).
 */
export async function startServedPlatform(env: Record<string, string> = {}, label = 'served platform', opts: ServedOptions = {}): Promise<ServedPlatform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kvittra-served-'));
  const pgDb = (opts.backend ?? backend) === 'postgres' ? await createScratchPostgres('kvittra_served') : null;
  const databaseUrl = pgDb?.url ?? path.join(dataDir, 'served.sqlite');
  // Chromium and the server share a small machine: load shedding must not turn a journey's request into a 503.
  const extra = { QUEUE_POLL_INTERVAL_MS: '50', LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0', ...env };
  let server: ServerProcess;
  try {
    server = await startServerProcess(serverEnv({ port: await freePort(), dataDir, databaseUrl, extra }), label);
  } catch (err) {
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const db = openInspector(databaseUrl);
  const api = httpClient(server.baseUrl);
  let stopped = false;
  return {
    server,
    databaseUrl,
    dataDir,
    baseUrl: server.baseUrl,
    api,
    admin: (method, urlPath, body) => api(method, urlPath, body, { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}` }),
    ctx: { db, queue: { drain: (timeoutMs?: number) => drainFromOutside(db, timeoutMs) } },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.kill('SIGTERM');
      await db.close();
      await pgDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
