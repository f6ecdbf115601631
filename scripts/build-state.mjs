// Whether server/dist and web/dist were built from the sources as they are now, and building them when not.
// `npm start` and the test suite's global set-up both call ensureBuilt(): on a built tree it only hashes the
// inputs (about 20 ms for ~2 MB) and starts nothing, so a restart is not a rebuild (a full build is ~17 s).
// A content hash, not mtimes: a git checkout or a fresh clone gives every file a new mtime, and a build
// from an older checkout must not look current because its files are newer.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = '.build-stamp';
const SHARED_INPUTS = ['package-lock.json', 'package.json', 'tsconfig.base.json'];

/** Each build: what it reads, where it writes, and how it is run. Order matters for nothing. */
export const TARGETS = [
  { name: 'web', out: 'web/dist', inputs: ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/package.json', 'web/tsconfig.json', ...SHARED_INPUTS], cmd: ['npm', 'run', '--silent', 'build', '-w', 'web'] },
  { name: 'server', out: 'server/dist', inputs: ['server/src', 'server/scripts/bundle.mjs', 'server/scripts/bundle-config.mjs', 'server/package.json', 'server/tsconfig.json', 'server/tsconfig.build.json', ...SHARED_INPUTS], cmd: ['npm', 'run', '--silent', 'build', '-w', 'server'] },
];

function filesUnder(rel) {
  const abs = path.join(ROOT, rel);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.posix.join(rel, e.name)) : e.isFile() ? [path.posix.join(rel, e.name)] : []))
    .sort();
}

/** SHA-256 over every input file's path and bytes. */
export function inputHash(target) {
  const hash = createHash('sha256');
  for (const file of target.inputs.flatMap(filesUnder)) {
    hash.update(file).update('\0').update(readFileSync(path.join(ROOT, file))).update('\0');
  }
  return hash.digest('hex');
}

function readStamp(target) {
  try {
    return readFileSync(path.join(ROOT, target.out, STAMP), 'utf8').trim();
  } catch {
    return null;
  }
}

/** Why the target must be built, or null when its output matches the current inputs. */
export function staleReason(target, hash = inputHash(target)) {
  const stamp = readStamp(target);
  if (stamp === null) return `${target.out} has no build stamp (never built here, or built by an older script)`;
  return stamp === hash ? null : `its sources changed since ${target.out} was built`;
}

/**
 * Builds what is stale, synchronously (two vitest global set-ups calling this in one process cannot
 * interleave), printing what it builds and why. Throws when a build fails.
 */
export function ensureBuilt({ log = (m) => process.stderr.write(`${m}\n`), only, force = false } = {}) {
  const built = [];
  for (const target of TARGETS.filter((t) => !only || only.includes(t.name))) {
    const hash = inputHash(target);
    const why = force ? 'a build was asked for' : staleReason(target, hash);
    if (!why) continue;
    log(`[build] ${target.name}: ${why}; running ${target.cmd.join(' ')}`);
    const started = Date.now();
    const res = spawnSync(target.cmd[0], target.cmd.slice(1), { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
    if (res.status !== 0) throw new Error(`[build] ${target.name} failed (exit ${res.status ?? res.signal}); nothing was started`);
    writeFileSync(path.join(ROOT, target.out, STAMP), `${hash}\n`);
    log(`[build] ${target.name}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    built.push(target.name);
  }
  return built;
}

// `node scripts/build-state.mjs [--force]`: build what is stale, or everything (`npm run build`).
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    const built = ensureBuilt({ force: process.argv.includes('--force') });
    if (built.length === 0) process.stderr.write('[build] server/dist and web/dist are up to date\n');
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
