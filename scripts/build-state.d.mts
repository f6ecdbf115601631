// Types for scripts/build-state.mjs, imported by the test suite's global set-up.
export interface BuildTarget {
  name: 'web' | 'server';
  out: string;
  inputs: string[];
  cmd: string[];
}
export const ROOT: string;
export const TARGETS: BuildTarget[];
export function inputHash(target: BuildTarget): string;
export function staleReason(target: BuildTarget, hash?: string): string | null;
export function ensureBuilt(opts?: { log?: (message: string) => void; only?: BuildTarget['name'][]; force?: boolean }): BuildTarget['name'][];
