import { existsSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { WEB_DIST } from '../core/paths.js';

/** Client-side areas of the single-page app; `/admin` and `/business` share their prefix with the API. */
const SPA_PATH = /^\/(f|s|business|admin)(\/|$|\?)/;

/**
 * A browser navigating (reload, bookmark, QR scan) to a client route gets the app shell; fetch() calls
 * to the same paths reach the API. Navigations are told apart by Sec-Fetch-Mode (or an HTML Accept).
 */
export function isAppNavigation(req: FastifyRequest): boolean {
  if (req.method !== 'GET' || req.headers.authorization) return false;
  const mode = req.headers['sec-fetch-mode'];
  const accept = req.headers.accept ?? '';
  const wantsHtml = mode === 'navigate' || (mode === undefined && accept.startsWith('text/html'));
  return wantsHtml && SPA_PATH.test(req.url);
}

function sendShell(reply: FastifyReply) {
  // The shell must never be cached, or a deploy would leave phones on stale chunk names.
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}

/** The built web app (web/dist) is served from `/`; without a build, a short notice instead. */
export async function registerWebApp(app: FastifyInstance): Promise<void> {
  const root = WEB_DIST;
  if (!existsSync(root)) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/plain; charset=utf-8').send('Kvittra API is running. Build the web app with `npm run build`.'));
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders: (res, filePath) => {
      // Hashed assets are immutable; everything else (index.html, sw.js, manifest) revalidates.
      if (/[\\/]assets[\\/]/.test(filePath)) res.header('cache-control', 'public, max-age=31536000, immutable');
      else res.header('cache-control', 'no-cache');
    },
  });
  app.addHook('onRequest', async (req, reply) => {
    if (isAppNavigation(req)) return sendShell(reply);
  });
}
