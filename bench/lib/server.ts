/**
 * Child processes under test: the built Kvittra server (server-child.mjs → server/dist) and the bare
 * Fastify baseline (bare-child.mjs). Each runs in its own `node` process, never in the load generator's,
 * with stdout/stderr in bench/results/tmp/<name>.log. Memory is sampled over IPC while load runs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT_DIR = path.resolve(BENCH_DIR, '..');
export const TMP_DIR = path.join(BENCH_DIR, 'results', 'tmp');

export interface MemSample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export interface ChildServer {
  name: string;
  url: string;
  pid: number;
  proc: ChildProcess;
  startup?: { name: string; ms: number }[];
  memory(): Promise<MemSample>;
  /** Two full GCs (the child runs with --expose-gc), then a sample: the live heap. */
  gc(): Promise<MemSample>;
  queueDepth(): Promise<Record<string, number> | null>;
  /** The server process's CPU time so far (µs, user + system). */
  cpuMicros(): Promise<number>;
  /** Stop / restart the server's job worker (profiling the receipt path alone). */
  pauseQueue(): Promise<void>;
  resumeQueue(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  timeoutMs?: number;
}

let seq = 0;

function startChild(name: string, script: string, env: Record<string, string>, opts: StartOptions = {}): Promise<ChildServer> {
  mkdirSync(TMP_DIR, { recursive: true });
  const logFd = openSync(path.join(TMP_DIR, `${name}.log`), 'w');
  const proc = fork(script, [], {
    cwd: ROOT_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(process.env.BENCH_SQL_PROFILE_DIR ? { BENCH_SQL_PROFILE_DIR: process.env.BENCH_SQL_PROFILE_DIR } : {}), ...env },
    execArgv: ['--expose-gc', ...(opts.nodeArgs ?? [])],
    stdio: ['ignore', logFd, logFd, 'ipc'],
  });
  closeSync(logFd);
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  const request = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${name}: no answer to ${type}`));
      }, 10_000);
      waiting.set(id, (m) => {
        clearTimeout(timer);
        resolve(m as T);
      });
      proc.send({ type, id });
    });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${opts.timeoutMs ?? 60_000} ms (see ${path.join(TMP_DIR, `${name}.log`)})`)), opts.timeoutMs ?? 60_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready (see ${path.join(TMP_DIR, `${name}.log`)})`));
    });
    proc.on('message', (raw) => {
      const m = raw as Record<string, unknown>;
      if (m.type === 'ready') {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        let exited = false;
        proc.once('exit', () => (exited = true));
        resolve({
          name,
          url: String(m.url),
          pid: proc.pid!,
          proc,
          startup: m.startup as ChildServer['startup'],
          memory: async () => ((await request<{ mem: MemSample }>('mem')).mem),
          gc: async () => ((await request<{ mem: MemSample }>('gc')).mem),
          queueDepth: async () => ((await request<{ depth?: Record<string, number> }>('queue')).depth ?? null),
          cpuMicros: async () => {
            const { cpu } = await request<{ cpu: { user: number; system: number } }>('cpu');
            return cpu.user + cpu.system;
          },
          pauseQueue: async () => void (await request('queue-pause')),
          resumeQueue: async () => void (await request('queue-resume')),
          stop: () =>
            new Promise<void>((done) => {
              if (exited) return done();
              const kill = setTimeout(() => proc.kill('SIGKILL'), 15_000);
              proc.once('exit', () => {
                clearTimeout(kill);
                done();
              });
              proc.send({ type: 'stop' });
            }),
        });
        return;
      }
      const id = Number(m.id);
      waiting.get(id)?.(m);
      waiting.delete(id);
    });
  });
}

export const startKvittra = (name: string, env: Record<string, string>, opts?: StartOptions) => startChild(name, path.join(BENCH_DIR, 'lib', 'server-child.mjs'), env, opts);
export const startBare = (name: string, opts?: StartOptions) => startChild(name, path.join(BENCH_DIR, 'lib', 'bare-child.mjs'), { HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'production' }, opts);

export interface RssSummary {
  samples: number;
  minMb: number;
  maxMb: number;
  meanMb: number;
  lastMb: number;
  heapUsedMaxMb: number;
}

const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

/** Samples the child's memory every `everyMs` until stopped; tolerant of a missed answer. */
export function sampleMemory(server: ChildServer, everyMs = 500): { stop(): RssSummary } {
  const samples: MemSample[] = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    server
      .memory()
      .then((m) => samples.push(m))
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = samples.map((s) => s.rss);
      if (rss.length === 0) return { samples: 0, minMb: 0, maxMb: 0, meanMb: 0, lastMb: 0, heapUsedMaxMb: 0 };
      return {
        samples: rss.length,
        minMb: mb(Math.min(...rss)),
        maxMb: mb(Math.max(...rss)),
        meanMb: mb(rss.reduce((a, b) => a + b, 0) / rss.length),
        lastMb: mb(rss.at(-1)!),
        heapUsedMaxMb: mb(Math.max(...samples.map((s) => s.heapUsed))),
      };
    },
  };
}

export { mb };
