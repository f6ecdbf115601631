/** What every scenario gets from the runner, and the measure-with-warm-up step they share. */
import { runLoad, describeLoad, type LoadResult, type LoadSpec } from './load.js';
import { sampleMemory, type ChildServer, type RssSummary } from './server.js';
import { machine, type ScenarioResult } from './results.js';

export interface ScenarioContext {
  backend: 'sqlite' | 'postgres';
  quick: boolean;
  /** Seconds of each measured autocannon run. */
  durationSec: number;
  /** Seconds of load before each measured run, not recorded (JIT, caches, connection pools). */
  warmupSec: number;
  soakSec: number;
  /** Transactions seeded for the purchase-verification scenario. */
  transactions: number;
  /** Extra node flags for the server under test (--cpu-prof …). */
  nodeArgs: string[];
  log(line: string): void;
}

export interface Measured {
  load: LoadResult;
  rss: RssSummary;
}

/** One run: warm-up (same connections, not recorded), then the measured part, with the server's memory sampled. */
export async function measure(ctx: ScenarioContext, server: ChildServer, spec: LoadSpec): Promise<Measured> {
  const sampler = sampleMemory(server);
  const load = await runLoad({ warmupSec: ctx.warmupSec, ...spec });
  const rss = sampler.stop();
  const ramp =
    load.allConnectionsAnsweredSec === null
      ? `; only ${load.connectionsAnswered} of ${load.connections} connections got any answer during the run`
      : load.allConnectionsAnsweredSec > 1
        ? `; all ${load.connections} connections answered after ${load.allConnectionsAnsweredSec} s`
        : '';
  ctx.log(`  ${describeLoad(load)}, RSS max ${rss.maxMb} MB${ramp}`);
  return { load, rss };
}

/** The common head of a result; the scenario fills in the rest. */
export function resultHead(ctx: ScenarioContext, scenario: string, number: number, title: string, startedAt: Date): Omit<ScenarioResult, 'status' | 'setup' | 'targets' | 'notes'> {
  return { scenario, number, title, backend: ctx.backend, quick: ctx.quick, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine: machine() };
}

/** The figures of one load run as stored in the result file. */
export function loadFigures(m: Measured, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const l = m.load;
  return {
    rps: l.rps,
    requests: l.requests,
    durationSec: l.durationSec,
    connections: l.connections,
    latencyMs: l.latencyMs,
    non2xx: l.non2xx,
    errors: l.errors,
    timeouts: l.timeouts,
    statusCodes: l.statusCodes,
    warmupSec: l.warmupSec,
    allConnectionsAnsweredSec: l.allConnectionsAnsweredSec,
    connectionsAnswered: l.connectionsAnswered,
    rssMb: m.rss,
    ...extra,
  };
}
