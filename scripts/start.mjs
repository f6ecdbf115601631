#!/usr/bin/env node
// `npm start`: builds server/dist and web/dist only when their sources changed (scripts/build-state.mjs),
// then runs the built server, server/dist/kvittra.mjs, in this same process: what the system, e2e and
// shipped test suites start, without a second Node start-up (~40 ms) in between.
import { ensureBuilt } from './build-state.mjs';

try {
  ensureBuilt();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
await import('../server/dist/kvittra.mjs');
