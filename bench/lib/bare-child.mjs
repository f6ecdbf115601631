// The baseline: a bare Fastify app in its own process, nothing but what the scenarios compare against —
// a POST route that only parses the same JSON body (Fastify's default JSON parser), and a GET that
// answers {ok:true}. Same Node, same machine, same run as the server under test.
import { memoryUsage } from 'node:process';
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.post('/webhooks/:provider/:connectionId', async (req) => ({ received: true, duplicate: false, bytes: typeof req.body === 'object' && req.body !== null ? 1 : 0 }));
app.get('/api/health/live', async () => ({ ok: true }));
const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
process.send?.({ type: 'ready', url });

process.on('message', (msg) => {
  if (msg.type === 'mem' || msg.type === 'gc') process.send?.({ type: msg.type, id: msg.id, mem: memoryUsage() });
  else if (msg.type === 'stop') app.close().then(() => process.exit(0));
});
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
process.on('disconnect', () => app.close().then(() => process.exit(0)));
