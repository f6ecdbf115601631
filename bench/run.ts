/**
 * `npm run bench [-- scenario…] [--pg] [--quick] [--duration S] [--warmup S] [--soak S] [--transactions N]
 *                [--cpu-prof] [--sql-profile] [--no-build] [--doc-only]`
 *
 * Runs the benchmark scenarios (all by default) against the built server in its own process with a
 * throwaway database, writes bench/results/<scenario>[.postgres].json and regenerates docs/performance.md.
 * Every figure is compared with a baseline measured in the same run; no scenario is part of `npm test`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureBuilt } from '../scripts/build-state.mjs';
import { flagBool, flagNumber, parseArgs } from './lib/args.js';
import { ROOT_DIR, TMP_DIR } from './lib/server.js';
import { machine, resultFile, writeResult, type ScenarioResult } from './lib/results.js';
import { resultHead, type ScenarioContext } from './lib/scenario.js';
import { writePerformanceDoc } from './lib/doc.js';
import { runIngest } from './scenarios/ingest.js';
import { runVerify } from './scenarios/verify.js';
import { runCustomer } from './scenarios/customer.js';
import { runColdStart } from './scenarios/coldstart.js';
import { runOutbound } from './scenarios/outbound.js';
import { runAnalytics } from './scenarios/analytics.js';
import { runMemory } from './scenarios/memory.js';

interface Scenario {
  number: number;
  name: string;
  title: string;
  aliases: string[];
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

const SCENARIOS: Scenario[] = [
  { number: 1, name: 'ingest', title: 'Webhook ingest', aliases: ['webhooks', 'webhook'], run: runIngest },
  { number: 2, name: 'verify', title: 'Purchase verification with many transactions', aliases: ['verification', 'purchase'], run: runVerify },
  { number: 3, name: 'customer', title: 'Customer loop', aliases: ['loop', 'customer-loop'], run: runCustomer },
  { number: 4, name: 'coldstart', title: 'Cold start', aliases: ['cold-start', 'startup', 'start'], run: runColdStart },
  { number: 5, name: 'analytics', title: 'Dashboard analytics', aliases: ['dashboard'], run: runAnalytics },
  { number: 6, name: 'outbound', title: 'Outbound delivery', aliases: ['delivery'], run: runOutbound },
  { number: 7, name: 'memory', title: 'Memory soak', aliases: ['soak', 'rss'], run: runMemory },
];

const VALUE_FLAGS = ['duration', 'warmup', 'soak', 'transactions'] as const;
const BOOL_FLAGS = ['pg', 'quick', 'cpu-prof', 'sql-profile', 'no-build', 'doc-only', 'help'] as const;

function usage(): string {
  return [
    'Usage: npm run bench [-- <scenario…>] [--pg] [--quick] [--duration S] [--warmup S] [--soak S] [--transactions N] [--cpu-prof] [--sql-profile] [--no-build] [--doc-only]',
    `Scenarios: ${SCENARIOS.map((s) => `${s.number} ${s.name}`).join(', ')} (default: all)`,
  ].join('\n');
}

function pickScenarios(names: string[]): Scenario[] {
  if (names.length === 0) return SCENARIOS;
  return names.map((n) => {
    const key = n.toLowerCase();
    const s = SCENARIOS.find((x) => x.name === key || String(x.number) === key || x.aliases.includes(key));
    if (!s) throw new Error(`Unknown scenario "${n}".\n${usage()}`);
    return s;
  });
}

/**
 * Builds server and web app when their sources changed (scripts/build-state.mjs, the same check as `npm start`), so
 * the bench measures current code and the cold-start scenario's `npm start` finds a built tree; an unbuildable tree
 * falls back to the last build.
 */
function buildServer(): void {
  try {
    ensureBuilt({ log: (line) => process.stdout.write(`${line}\n`) });
  } catch (err) {
    if (!existsSync(path.join(ROOT_DIR, 'server', 'dist', 'platform.js'))) throw new Error('The server did not build and there is no previous build in server/dist.');
    process.stdout.write(`warning: ${(err as Error).message}; benchmarking the previous build in server/dist\n`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), VALUE_FLAGS);
  if (args.flags.has('help')) return void process.stdout.write(`${usage()}\n`);
  const unknown = [...args.flags.keys()].filter((k) => !(VALUE_FLAGS as readonly string[]).includes(k) && !(BOOL_FLAGS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`Unknown flags: ${unknown.map((k) => `--${k}`).join(' ')}\n${usage()}`);
  if (flagBool(args, 'doc-only')) return void process.stdout.write(`Wrote ${writePerformanceDoc()}\n`);

  const scenarios = pickScenarios(args.positional);
  const quick = flagBool(args, 'quick');
  const backend = flagBool(args, 'pg') ? 'postgres' : 'sqlite';
  mkdirSync(TMP_DIR, { recursive: true });
  // Read by startChild: every server under test times its SQLite statements (bench/lib/sql-profile.mjs).
  if (flagBool(args, 'sql-profile')) process.env.BENCH_SQL_PROFILE_DIR = path.join(TMP_DIR, 'sql-profiles');
  const ctx: ScenarioContext = {
    backend,
    quick,
    durationSec: flagNumber(args, 'duration', quick ? 10 : 15),
    warmupSec: flagNumber(args, 'warmup', quick ? 2 : 3),
    soakSec: flagNumber(args, 'soak', quick ? 30 : 60),
    transactions: Math.round(flagNumber(args, 'transactions', quick ? 200_000 : 1_000_000)),
    nodeArgs: flagBool(args, 'cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${path.join(TMP_DIR, 'profiles')}`] : [],
    log: (line) => process.stdout.write(`${line}\n`),
  };
  if (!flagBool(args, 'no-build')) buildServer();
  const m = machine();
  process.stdout.write(`Kvittra benchmarks on ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${backend}${quick ? ', quick' : ''}; load average ${m.loadAverage.join(' ')}\n`);

  const summary: string[] = [];
  for (const s of scenarios) {
    process.stdout.write(`\n[${s.number}] ${s.title}\n`);
    const started = new Date();
    let result: ScenarioResult;
    try {
      result = await s.run(ctx);
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stdout.write(`  failed: ${message}\n`);
      result = { ...resultHead(ctx, s.name, s.number, s.title, started), status: 'failed', setup: {}, targets: [], notes: [`The scenario failed: ${message.split('\n')[0]}`] };
    }
    writeResult(result);
    const line = `[${s.number}] ${s.title}: ${result.status.toUpperCase()}${result.targets.length ? ' — ' + result.targets.map((t) => `${t.name} ${t.display} (target ${t.target}${t.met === null ? '' : t.met ? ', met' : ', missed'})`).join('; ') : ''}`;
    summary.push(line);
    process.stdout.write(`  → ${path.relative(ROOT_DIR, resultFile(s.name, backend))}\n`);
  }
  const doc = writePerformanceDoc();
  process.stdout.write(`\nSummary\n${summary.map((l) => `  ${l}`).join('\n')}\n\nWrote ${path.relative(ROOT_DIR, doc)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
