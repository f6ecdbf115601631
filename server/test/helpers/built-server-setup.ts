import { ensureBuilt } from '../../../scripts/build-state.mjs';

/**
 * Global set-up of the suites that run what ships (system, e2e, shipped): server/dist/kvittra.mjs and the
 * built web app, rebuilt first when their sources changed. `npm test` builds before vitest starts, so here
 * this only hashes the sources; it builds when vitest is run on its own after an edit.
 */
export default function setup(): void {
  ensureBuilt({ log: (m) => console.log(m) });
}
