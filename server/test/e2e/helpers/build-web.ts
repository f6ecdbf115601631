import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const WEB = path.join(ROOT, 'web');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p).reduce((max, entry) => Math.max(max, newestMtime(path.join(p, entry))), st.mtimeMs);
}

/** True when web/dist is missing or older than any source the build reads. */
export function webBuildIsStale(): boolean {
  const built = path.join(WEB, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(newestMtime(path.join(WEB, 'src')), newestMtime(path.join(WEB, 'public')), newestMtime(path.join(WEB, 'index.html')), newestMtime(path.join(WEB, 'vite.config.ts')));
  return sources > statSync(built).mtimeMs;
}

/** The browser tests run against the real built app served by the server, so build it when stale. */
export function ensureWebBuild(): void {
  // KVITTRA_E2E_NO_BUILD=1 uses web/dist as it is (e.g. a build made by CI in an earlier step).
  if (process.env.KVITTRA_E2E_NO_BUILD === '1' && existsSync(path.join(WEB, 'dist', 'index.html'))) return;
  if (!webBuildIsStale()) return;
  console.log('[e2e] building the web app (web/dist is missing or older than web/src)');
  // vitest sets NODE_ENV=test, which would make Vite emit React's development build.
  const res = spawnSync('npm', ['run', 'build', '-w', 'web'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (res.status !== 0) throw new Error('npm run build -w web failed; the browser tests need the built app');
}
