/**
 * Scenario 4 — cold start: from spawning `node server/dist/kvittra.mjs` (the production entry, one bundled file) to the port
 * accepting TCP connections, median of 10 runs against an already migrated database; the same for a bare
 * Fastify app, runs interleaved. First start on an empty database (migrations included) is recorded too, and
 * what a user types on a built tree: `npm start` (npm, then scripts/start.mjs's build check, then the bundle in
 * the same process) and `node scripts/start.mjs` without npm, so npm's own share is visible.
 * Targets: median within 2× the bare app's median, and under 300 ms; `npm start` on a built tree under 3 s.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createThrowaway, serverEnv, type Throwaway } from '../lib/env.js';
import { seedData } from '../lib/seed.js';
import { BENCH_DIR, ROOT_DIR } from '../lib/server.js';
import { ratio, statusOf, type ScenarioResult, type Target } from '../lib/results.js';
import { resultHead, type ScenarioContext } from '../lib/scenario.js';

const RUNS = 10;
const FRESH_RUNS = 3;
/** `npm start` costs about a second a run: fewer runs, interleaved with the direct start. */
const WRAPPER_RUNS = 5;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

interface StartRun {
  ms: number;
  startupPhases?: unknown;
}

/**
 * Spawns `args` (with `node` unless `command` says otherwise), polls the port every ms until it accepts a
 * connection, then stops the process group: `npm start` leaves the server as npm's child, and npm does not
 * always pass SIGTERM on.
 */
async function timeStart(args: string[], env: Record<string, string>, askPhases: boolean, command = process.execPath): Promise<StartRun> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT_DIR, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) }, stdio: 'ignore', detached: true });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  try {
    for (;;) {
      if (exited) throw new Error(`${args.join(' ')} exited before accepting connections`);
      if (await canConnect(port)) break;
      if (performance.now() - started > 30_000) throw new Error(`${args.join(' ')} did not listen within 30 s`);
      await sleep(1);
    }
    const ms = Math.round((performance.now() - started) * 10) / 10;
    let startupPhases: unknown;
    if (askPhases) startupPhases = await fetch(`http://127.0.0.1:${port}/api/health/startup`).then((r) => r.json()).catch(() => undefined);
    return { ms, startupPhases };
  } finally {
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    group('SIGTERM');
    const timer = setTimeout(() => group('SIGKILL'), 15_000);
    await exit;
    clearTimeout(timer);
  }
}

/** `npm start` and `node scripts/start.mjs` on the built tree, interleaved with the direct start of the bundle. */
async function timeWrappers(main: string, env: Record<string, string>) {
  const npm: number[] = [];
  const script: number[] = [];
  const direct: number[] = [];
  await timeStart(['start'], env, false, 'npm'); // npm's own files into the page cache
  for (let i = 0; i < WRAPPER_RUNS; i++) {
    npm.push((await timeStart(['start'], env, false, 'npm')).ms);
    script.push((await timeStart([path.join(ROOT_DIR, 'scripts', 'start.mjs')], env, false)).ms);
    direct.push((await timeStart([main], env, false)).ms);
  }
  return { npmStart: summary(npm), startScript: summary(script), direct: summary(direct) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round(((s[m - 1]! + s[m]!) / 2) * 10) / 10;
};

const summary = (xs: number[]) => ({ medianMs: median(xs), minMs: Math.min(...xs), maxMs: Math.max(...xs), runsMs: xs });

export async function runColdStart(ctx: ScenarioContext): Promise<ScenarioResult> {
  const startedAt = new Date();
  const main = path.join(ROOT_DIR, 'server', 'dist', 'kvittra.mjs');
  const bare = path.join(BENCH_DIR, 'lib', 'bare-child.mjs');
  const db = await createThrowaway(ctx.backend, 'coldstart');
  const fresh: Throwaway[] = [];
  try {
    // A migrated database with a little data: the usual restart.
    await seedData(db.seedTarget, { transactions: 1000, locations: 4, days: 7, feedback: 10 });
    const env = { ...serverEnv(db), PORT: '' };
    const bareEnv = { HOST: '127.0.0.1', NODE_ENV: 'production' };
    await timeStart([bare], bareEnv, false); // prime the file cache for both before measuring
    await timeStart([main], env, false);
    const bareMs: number[] = [];
    const serverMs: number[] = [];
    let phases: unknown;
    for (let i = 0; i < RUNS; i++) {
      bareMs.push((await timeStart([bare], bareEnv, false)).ms);
      const run = await timeStart([main], env, i === RUNS - 1);
      serverMs.push(run.ms);
      phases = run.startupPhases ?? phases;
    }
    const freshMs: number[] = [];
    for (let i = 0; i < FRESH_RUNS; i++) {
      const t = await createThrowaway(ctx.backend, `coldstart-fresh${i}`);
      fresh.push(t);
      freshMs.push((await timeStart([main], { ...serverEnv(t), PORT: '' }, false)).ms);
    }
    const wrappers = await timeWrappers(main, env);
    const b = summary(bareMs);
    const s = summary(serverMs);
    const f = summary(freshMs);
    ctx.log(`  bare Fastify: median ${b.medianMs} ms (${bareMs.join(', ')})`);
    ctx.log(`  Kvittra:      median ${s.medianMs} ms (${serverMs.join(', ')}); first start on an empty database: median ${f.medianMs} ms`);
    ctx.log(`  npm start (built tree): median ${wrappers.npmStart.medianMs} ms; node scripts/start.mjs ${wrappers.startScript.medianMs} ms; direct ${wrappers.direct.medianMs} ms`);
    const r = ratio(s.medianMs, b.medianMs);
    const npmRatio = ratio(wrappers.npmStart.medianMs, b.medianMs);
    const npmAdds = Math.round((wrappers.npmStart.medianMs - wrappers.direct.medianMs) * 10) / 10;
    const targets: Target[] = [
      { name: 'Median start vs bare Fastify start', target: '≤ 2×', value: r, display: `${r.toFixed(2)}× (${s.medianMs} vs ${b.medianMs} ms)`, met: r <= 2 },
      { name: 'Median start, absolute', target: '< 300 ms', value: s.medianMs, display: `${s.medianMs} ms`, met: s.medianMs < 300 },
      { name: '`npm start` on a built tree, to accepting connections', target: '< 3 s', value: wrappers.npmStart.medianMs, display: `${wrappers.npmStart.medianMs} ms (${npmRatio.toFixed(2)}× the bare app)`, met: wrappers.npmStart.medianMs < 3000 },
      { name: 'What `npm start` adds to the direct start', target: '≤ 500 ms', value: npmAdds, display: `${npmAdds} ms (of which npm itself ${Math.round((wrappers.npmStart.medianMs - wrappers.startScript.medianMs) * 10) / 10} ms)`, met: npmAdds <= 500 },
    ];
    return {
      ...resultHead(ctx, 'coldstart', 4, 'Cold start', startedAt),
      status: statusOf(targets),
      setup: {
        runs: RUNS,
        measure: 'spawn(node …) until a TCP connect to the port succeeds (polled every ~1 ms); each process is then stopped with SIGTERM',
        server: 'node server/dist/kvittra.mjs (esbuild bundle), NODE_ENV=production, migrated database (restart case)',
        baseline: 'node bench/lib/bare-child.mjs (Fastify, two routes, no plugins)',
      },
      measured: { ...s, firstStartEmptyDatabase: f, serverReportedPhases: phases, ...wrappers },
      baseline: b,
      ratios: { median: r, npmStart: npmRatio },
      targets,
      notes: ['Both processes pay Node’s own boot (~40–60 ms on this class of machine); the server’s /api/health/startup phases (config → database_open → migrations → routes → listening) are in measured.serverReportedPhases.'],
    };
  } finally {
    await db.drop();
    for (const t of fresh) await t.drop();
  }
}
