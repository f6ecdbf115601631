import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './helpers/browser.js';
import { ensureWebBuild } from './helpers/build-web.js';

/** Browser tests need Chromium (scripts/ensure-tools.mjs installs Debian's) and a current web build. */
export default function setup(): void {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}; run \`apt-get install chromium\` (npm test does this as root) or set KVITTRA_CHROMIUM`);
  ensureWebBuild();
}
