#!/usr/bin/env node
// `npm test`: prepares what a fresh machine lacks, type-checks, builds what ships (server/dist/kvittra.mjs and
// web/dist, only when their sources changed), then runs every vitest project (unit, SQLite, PostgreSQL, Redis,
// system, e2e, shipped). Extra arguments go to vitest, e.g. `npm test -- --project unit`.
import { spawnSync } from 'node:child_process';
import { ensureServices } from './ensure-services.mjs';
import { ensureTools } from './ensure-tools.mjs';
import { ensureBuilt } from './build-state.mjs';

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

await ensureServices();
ensureTools();
run('npm', ['run', '--silent', 'typecheck']);
// Once, before the projects start: the system, e2e and shipped suites run the built server and web app.
try {
  ensureBuilt();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
run('npx', ['vitest', 'run', ...process.argv.slice(2)], { cwd: 'server' });
