import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const resultsDir = path.resolve(import.meta.dirname, '../results');

/**
 * Prints the run's counts as one JSON line and merges them into results/<file> under `key`
 * (the folder is git-ignored: counts differ on every run; CI logs keep the printed line).
 */
export function reportSummary(file: string, key: string, summary: Record<string, unknown>): void {
  console.log(`ZERO-LOSS ${file} ${key} ${JSON.stringify(summary)}`);
  mkdirSync(resultsDir, { recursive: true });
  const target = path.join(resultsDir, file);
  let all: Record<string, unknown> = {};
  try {
    if (existsSync(target)) all = JSON.parse(readFileSync(target, 'utf8')) as Record<string, unknown>;
  } catch {
    all = {};
  }
  all[key] = { ...summary, finishedAt: new Date().toISOString() };
  writeFileSync(target, JSON.stringify(all, null, 2) + '\n');
}

/** Phase timestamps on stderr with KVITTRA_ZERO_LOSS_VERBOSE=1 (to see where a slow run spends its time). */
export function progress(message: string): void {
  if (process.env.KVITTRA_ZERO_LOSS_VERBOSE === '1') console.error(`[zero-loss ${new Date().toISOString()}] ${message}`);
}
