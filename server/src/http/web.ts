import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** The built web app (web/dist) is served from `/`; without a build, a short notice instead. */
export async function registerWebApp(app: FastifyInstance): Promise<void> {
  const root = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
  if (!existsSync(root)) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/plain; charset=utf-8').send('Kvittra API is running. Build the web app with `npm run build`.'));
    return;
  }
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'] });
}
