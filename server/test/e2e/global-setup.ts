import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './helpers/browser.js';

/** Browser tests need Chromium (scripts/ensure-tools.mjs installs Debian's); the build is built-server-setup's. */
export default function setup(): void {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}; run \`apt-get install chromium\` (npm test does this as root) or set KVITTRA_CHROMIUM`);
}
