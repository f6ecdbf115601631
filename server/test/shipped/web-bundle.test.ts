/**
 * What the built server serves to browsers: the web app must be a production build (no React
 * development runtime, no path of the build machine in any served JS, CSS or source map, the customer
 * code registers the service worker), reached by following the customer page's script and stylesheet
 * tags and every chunk they import, as a browser would. /sw.js and /manifest.webmanifest are served
 * with their content types and revalidated. /docs is Swagger UI, whose static files @fastify/swagger-ui
 * serves from its package folder (OWN_DIRNAME in bundle-config.mjs): they must be that folder's files.
 *
 * @covers @fastify/swagger-ui
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
/** Absolute paths of a build machine, as they would appear in a served file (JSON escapes a backslash). */
const BUILD_MACHINE_PATHS = [REPO_ROOT, '/home/', '/root/', '/work/', '/tmp/', 'C:\\'];

interface Served {
  url: string;
  status: number;
  contentType: string;
  cacheControl: string;
  body: string;
}

async function get(baseUrl: string, urlPath: string, headers: Record<string, string> = {}): Promise<Served> {
  const res = await fetch(baseUrl + urlPath, { headers });
  return { url: urlPath, status: res.status, contentType: res.headers.get('content-type') ?? '', cacheControl: res.headers.get('cache-control') ?? '', body: await res.text() };
}

/**
 * A browser navigation (Sec-Fetch-Mode: navigate). Through node:http: fetch() may not send Sec-* headers
 * (they are forbidden request headers) and sends `sec-fetch-mode: cors` itself.
 */
function navigate(baseUrl: string, urlPath: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const req = http.get(baseUrl + urlPath, { headers: { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ url: urlPath, status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', cacheControl: res.headers['cache-control'] ?? '', body }));
    });
    req.on('error', reject);
  });
}

/** Same-origin paths an HTML page loads: script sources and stylesheet/modulepreload links. */
function htmlReferences(html: string): string[] {
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
  const links = [...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]).filter((tag) => /\brel="(stylesheet|modulepreload)"/.test(tag));
  return [...scripts, ...links.map((tag) => /\bhref="([^"]+)"/.exec(tag)![1]!)].filter((u) => u.startsWith('/'));
}

/**
 * What a built JS or CSS file loads in turn, as absolute paths: static and dynamic imports of sibling
 * chunks (`import("./X.js")`, `from"./X.js"`), Vite's preload list (`"assets/X.js"`, relative to the
 * site root), CSS url()s and the source map.
 */
function assetReferences(fileUrl: string, code: string): string[] {
  const dir = fileUrl.slice(0, fileUrl.lastIndexOf('/') + 1);
  const relative = [
    ...code.matchAll(/\bimport\(\s*[`'"](\.{1,2}\/[^`'"]+)[`'"]\s*\)/g),
    ...code.matchAll(/\b(?:from|import)\s*[`'"](\.{1,2}\/[^`'"]+)[`'"]/g),
    ...code.matchAll(/url\(\s*['"]?((?:\.{1,2}|\/assets)\/[^'")]+)['"]?\s*\)/g),
    ...code.matchAll(/[#@] sourceMappingURL=([^\s*]+)/g),
  ].map((m) => new URL(m[1]!, `http://x${dir}`).pathname);
  const fromRoot = [...code.matchAll(/[`'"](assets\/[^`'"]+)[`'"]/g)].map((m) => `/${m[1]}`);
  return [...relative, ...fromRoot];
}

/** Every file reachable from the page's tags, fetched once each (breadth-first, like the browser plus its lazy imports). */
async function crawl(baseUrl: string, html: string): Promise<Map<string, Served>> {
  const seen = new Map<string, Served>();
  const queue = htmlReferences(html);
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    const file = await get(baseUrl, next);
    seen.set(next, file);
    if (/\.(js|css)$/.test(next)) queue.push(...assetReferences(next, file.body));
  }
  return seen;
}

/** The served chunk whose source map lists `source` (e.g. src/customer/CustomerApp.tsx) among its sources. */
function chunkWithSource(files: Map<string, Served>, source: string): Served | undefined {
  for (const [url, file] of files) {
    if (!url.endsWith('.js.map')) continue;
    const map = JSON.parse(file.body) as { sources: string[] };
    if (map.sources.some((s) => s.endsWith(source))) return files.get(url.slice(0, -'.map'.length));
  }
  return undefined;
}

describe('the web app and API docs served by the built server', () => {
  let p: ServedPlatform;
  let files: Map<string, Served>;
  let shell: Served;

  beforeAll(async () => {
    p = await startServedPlatform({}, 'web server');
    // A phone opening a QR link: a navigation to a customer route gets the app shell.
    shell = await navigate(p.baseUrl, '/f/shipped-qr-token');
    files = await crawl(p.baseUrl, shell.body);
  });
  afterAll(async () => p?.stop());

  it('serves the customer page shell, never cached, and every file it loads (hashed, immutable)', () => {
    expect(shell.status).toBe(200);
    expect(shell.contentType).toMatch(/^text\/html/);
    expect(shell.cacheControl).toBe('no-cache');
    expect(htmlReferences(shell.body).length).toBeGreaterThanOrEqual(2); // the entry script and the stylesheet at least
    for (const file of files.values()) {
      expect(file.status, file.url).toBe(200);
      expect(file.url).toMatch(/^\/assets\//);
      expect(file.cacheControl, file.url).toBe('public, max-age=31536000, immutable');
      const type = file.url.endsWith('.js') ? /^(application|text)\/javascript/ : file.url.endsWith('.css') ? /^text\/css/ : /^application\/json/;
      expect(file.contentType, file.url).toMatch(type);
    }
    expect([...files.keys()].filter((u) => u.endsWith('.js.map')).length).toBe([...files.keys()].filter((u) => u.endsWith('.js')).length);
  });

  it('is a production build: no React development runtime and no path of the build machine', () => {
    const scripts = [...files.values()].filter((f) => f.url.endsWith('.js'));
    expect(scripts.length).toBeGreaterThanOrEqual(3); // the entry, the lazily loaded customer app and what they share
    for (const f of scripts) {
      expect(f.body.includes('jsxDEV'), `${f.url} contains jsxDEV (React's development JSX runtime)`).toBe(false);
      expect(f.body.includes('Download the React DevTools'), `${f.url} contains React's development build`).toBe(false);
    }
    for (const f of files.values()) {
      for (const abs of BUILD_MACHINE_PATHS) expect(f.body.includes(abs), `${f.url} contains the absolute path ${abs}`).toBe(false);
    }
  });

  it('the lazily loaded customer code registers the service worker /sw.js', () => {
    const customer = chunkWithSource(files, 'src/customer/CustomerApp.tsx');
    expect(customer, `no served chunk has src/customer/CustomerApp.tsx in its source map; served: ${[...files.keys()].join(', ')}`).toBeDefined();
    expect(/serviceWorker\.register\(\s*[`'"]\/sw\.js[`'"]/.test(customer!.body), `${customer!.url} does not register /sw.js`).toBe(true);
  });

  it('serves /sw.js and /manifest.webmanifest with their content types, revalidated on every load, and what they reference', async () => {
    const sw = await get(p.baseUrl, '/sw.js');
    expect(sw.status).toBe(200);
    expect(sw.contentType).toMatch(/^(application|text)\/javascript/);
    // A cached worker script would keep phones on an old worker; browsers revalidate it, and so must any cache in between.
    expect(sw.cacheControl).toBe('no-cache');
    const precache = /const PRECACHE = \[([^\]]*)\]/.exec(sw.body);
    expect(precache, 'sw.js lists what it precaches').not.toBeNull();
    // cache.addAll fails as a whole when one of them is missing, and the worker never installs.
    for (const url of [...precache![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!)) expect((await get(p.baseUrl, url)).status, url).toBe(200);

    const manifest = await get(p.baseUrl, '/manifest.webmanifest');
    expect(manifest.status).toBe(200);
    expect(manifest.contentType).toMatch(/^application\/manifest\+json/);
    expect(manifest.cacheControl).toBe('no-cache');
    const icons = (JSON.parse(manifest.body) as { icons: { src: string; type: string }[] }).icons;
    expect(icons.length).toBeGreaterThan(0);
    for (const icon of icons) {
      const res = await fetch(p.baseUrl + icon.src);
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get('content-type'), icon.src).toBe(icon.type);
    }
  });

  it('/docs is Swagger UI, with the static files and logo of the @fastify/swagger-ui package folder', async () => {
    const ui = await get(p.baseUrl, '/docs');
    expect(ui.status).toBe(200);
    expect(ui.contentType).toMatch(/^text\/html/);
    expect(ui.body).toContain('<div id="swagger-ui"></div>');
    const staticDir = path.join(path.dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json')), 'static');
    const assets = htmlReferences(ui.body).filter((u) => u.startsWith('/docs/static/') && !u.endsWith('swagger-initializer.js'));
    expect(assets.map((u) => path.basename(u))).toEqual(expect.arrayContaining(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']));
    for (const url of assets) {
      const res = await fetch(p.baseUrl + url);
      expect(res.status, url).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(path.join(staticDir, path.basename(url)))), `${url} is the package's file`).toBe(true);
    }
    // The default logo is read from the package folder at start-up and inlined into the initializer.
    const initializer = await get(p.baseUrl, '/docs/static/swagger-initializer.js');
    expect(initializer.status).toBe(200);
    expect(initializer.body).toContain(`data:image/svg+xml;base64,${readFileSync(path.join(staticDir, 'logo.svg')).toString('base64')}`);
    const spec = await p.api('GET', '/docs/json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
  });
});
