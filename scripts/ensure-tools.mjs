// Debian packages the test suite uses for real inputs: espeak-ng + sox make speech audio for the voice
// tests, poppler-utils + qpdf check generated PDFs, chromium runs the browser tests. Installed on a fresh machine when we may (root + apt).
import { spawnSync } from 'node:child_process';

const NEEDED = [
  { bin: 'espeak-ng', pkg: 'espeak-ng' },
  { bin: 'sox', pkg: 'sox' },
  { bin: 'pdftotext', pkg: 'poppler-utils' },
  { bin: 'qpdf', pkg: 'qpdf' },
  // The browser tests (vitest project e2e) drive Debian's Chromium through playwright-core.
  { bin: 'chromium', pkg: 'chromium' },
];
const EXTRA_PACKAGES = ['libsox-fmt-all', 'fonts-liberation']; // fonts: Chromium renders the screenshots with real glyphs

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

export function ensureTools() {
  const missing = NEEDED.filter((t) => !has(t.bin));
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && has('apt-get');
  if (!canInstall) {
    console.warn(`[test] missing tools: ${missing.map((m) => m.bin).join(', ')} (install: apt-get install ${missing.map((m) => m.pkg).join(' ')})`);
    return;
  }
  const pkgs = [...new Set([...missing.map((m) => m.pkg), ...EXTRA_PACKAGES])];
  console.log(`[test] installing ${pkgs.join(' ')} from Debian`);
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const res = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (res.status !== 0) console.warn('[test] apt-get install failed; tests needing these tools fail in CI');
}
