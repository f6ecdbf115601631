#!/usr/bin/env node
// `npm test`: prepares what a fresh machine lacks, type-checks, then runs every vitest project
// (unit, SQLite, PostgreSQL). Extra arguments go to vitest, e.g. `npm test -- --project unit`.
import { spawnSync } from 'node:child_process';
import { ensureServices } from './ensure-services.mjs';
import { ensureTools } from './ensure-tools.mjs';

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

await ensureServices();
ensureTools();
run('npm', ['run', '--silent', 'typecheck']);
run('npx', ['vitest', 'run', ...process.argv.slice(2)], { cwd: 'server' });
