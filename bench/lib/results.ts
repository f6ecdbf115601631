/** The result file each scenario writes (bench/results/<scenario>[.postgres].json) and the machine it ran on. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR } from './server.js';

export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  loadAverage: number[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export interface Target {
  name: string;
  /** Human form of the target, e.g. "≥ 0.40 × baseline". */
  target: string;
  value: number | null;
  /** Display form of the value. */
  display: string;
  met: boolean | null;
}

export type Status = 'met' | 'missed' | 'not_implemented' | 'failed';

export interface ScenarioResult {
  scenario: string;
  number: number;
  title: string;
  status: Status;
  backend: 'sqlite' | 'postgres';
  quick: boolean;
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  /** What was run: connections, durations, data volumes, server settings. */
  setup: Record<string, unknown>;
  measured?: Record<string, unknown>;
  baseline?: Record<string, unknown>;
  ratios?: Record<string, number>;
  targets: Target[];
  /** Free-form extras (query plans, soak series, per-step figures). */
  details?: Record<string, unknown>;
  notes: string[];
}

export const statusOf = (targets: Target[]): Status => (targets.some((t) => t.met === false) ? 'missed' : 'met');

export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return Math.round((a / b) * 1000) / 1000;
}

/** A latency or duration for display: three significant digits, no trailing noise. */
export const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function resultFile(scenario: string, backend: 'sqlite' | 'postgres'): string {
  return path.join(RESULTS_DIR, `${scenario}${backend === 'postgres' ? '.postgres' : ''}.json`);
}

export function writeResult(r: ScenarioResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = resultFile(r.scenario, r.backend);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
