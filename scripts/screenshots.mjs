#!/usr/bin/env node
// `npm run screenshots`: runs the browser journeys (vitest project e2e) with screenshots switched on,
// which writes docs/screenshots/<page>.png from each `screenshot(page, name)` call in server/test/e2e.
// Customer, business and admin pages all come from their journeys; pass test files to limit the run,
// e.g. `npm run screenshots -- test/e2e/customer-journey.test.ts`.
import { spawnSync } from 'node:child_process';
import { ensureTools } from './ensure-tools.mjs';

ensureTools();
const res = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', ...process.argv.slice(2)], {
  cwd: 'server',
  stdio: 'inherit',
  env: { ...process.env, KVITTRA_SCREENSHOTS: '1' },
});
process.exit(res.status ?? 1);
