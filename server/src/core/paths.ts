import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The server package's folder, found by walking up from this module. The same code runs from src/
 * (tsx, tests), dist/ (tsc output) and the single-file bundle dist/kvittra.mjs, so relative URLs
 * like '../../package.json' would point to different places in each.
 */
function findServerRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@kvittra/server') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot locate the @kvittra/server package folder');
    dir = parent;
  }
}

export const SERVER_ROOT = findServerRoot();
/** The built web app (`npm run build -w web`). */
export const WEB_DIST = path.resolve(SERVER_ROOT, '../web/dist');
