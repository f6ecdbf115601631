import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';

const serverDir = path.resolve(import.meta.dirname, '../..');
/** What `npm start` runs (scripts/start.mjs imports it): the bundle, built by the suite's global set-up. */
export const BUILT_SERVER = path.join(serverDir, 'dist', 'kvittra.mjs');

/** Spawns the shipped server, exactly as users run it: `node server/dist/kvittra.mjs`. */
export function spawnBuiltServer(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BUILT_SERVER], { cwd: serverDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
const MAX_OUTPUT = 200_000;

export const PROCESS_ADMIN_TOKEN = 'system-test-admin-token-0123456789';
export const PROCESS_PUBLIC_BASE_URL = 'https://kvittra.test';

/** A free loopback port: the server is restarted on the same one, as a provider keeps one URL. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Environment shared by every start of one logical server (same database, same secrets). */
export function serverEnv(opts: { port: number; dataDir: string; databaseUrl: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    DATABASE_URL: opts.databaseUrl,
    ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
    ENCRYPTION_KEY: randomBytesHexOnce(opts.databaseUrl),
    PUBLIC_BASE_URL: PROCESS_PUBLIC_BASE_URL,
    LOG_LEVEL: 'warn',
    QUEUE_POLL_INTERVAL_MS: '100',
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0', // loaded test machines stall event loops; shedding has its own test
    // A SIGKILLed worker's jobs come back after the lease; short here so the test stays bounded.
    QUEUE_LEASE_MS: '3000',
    ...opts.extra,
  };
}

// One encryption key per database: restarts and sibling instances decrypt the signing keys stored by the others.
const keys = new Map<string, string>();
function randomBytesHexOnce(scope: string): string {
  let key = keys.get(scope);
  if (!key) keys.set(scope, (key = randomBytes(32).toString('hex')));
  return key;
}

// Every child still running, so a timed-out test (whose finally never runs) leaves no server behind.
const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((c) => c.kill('SIGKILL')));

/** SIGKILLs every server process this test process started that is still running (afterAll). */
export function killAllServerProcesses(): void {
  live.forEach((c) => c.kill('SIGKILL'));
  live.clear();
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  output(): string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The output tail if the process ended without being killed by the test, else null. */
  unexpectedExit(): string | null;
}

/**
 * Spawns the real server (`node server/dist/kvittra.mjs`, what ships; test/helpers/built-server-setup.ts
 * builds it when stale) and resolves once the start-up banner says it is listening. freePort() only saw env.PORT free: another
 * test process can bind it first (or take it while a SIGKILLed server is down). Then the start fails
 * with EADDRINUSE and is retried on a fresh port, written back to env.PORT so later restarts with the
 * same env use it too; callers must talk to the returned baseUrl.
 */
export async function startServerProcess(env: Record<string, string>, label = 'server', tries = 5): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnServer(env, label);
    } catch (err) {
      if (attempt >= tries || !(err instanceof Error) || !err.message.includes('EADDRINUSE')) throw err;
      env.PORT = String(await freePort());
    }
  }
}

async function spawnServer(env: Record<string, string>, label: string): Promise<ServerProcess> {
  const child = spawnBuiltServer(env);
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > MAX_OUTPUT) out = out.slice(-MAX_OUTPUT / 2);
  };
  live.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => live.delete(child));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      append(chunk);
      const m = /Kvittra is running at \S+ \(listening on (http:\/\/[^\s,]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', append);
    // 'close', not 'exit': only then is all stderr in (the EADDRINUSE retry above looks for it).
    child.once('close', (code) => reject(new Error(`${label} exited (${code}) before listening:\n${out.slice(-4000)}`)));
  });
  let killedByTest = false;
  return {
    child,
    pid: child.pid!,
    baseUrl,
    output: () => out,
    exited,
    async kill(signal) {
      killedByTest = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    unexpectedExit: () => (!killedByTest && (child.exitCode !== null || child.signalCode !== null) ? `${label} ${child.pid} exited ${child.exitCode ?? child.signalCode}: ${out.slice(-3000)}` : null),
  };
}
