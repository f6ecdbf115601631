import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * `Connection: Upgrade` to a route that is not a WebSocket route: @fastify/websocket's server-wide listener routes
 * it, the route answers, and the socket used to stay open after the answer — a file descriptor per request and a
 * graceful stop that waited for the shutdown timeout. The server now closes it once answered.
 */
function upgradeRequest(baseUrl: string, path: string): Promise<{ response: string; closedByServer: boolean; socket: net.Socket }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let response = '';
    const timer = setTimeout(() => resolve({ response, closedByServer: false, socket }), 3_000);
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve({ response, closedByServer: true, socket });
    });
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n`);
  });
}

describe('sockets of upgrade requests to ordinary routes', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  it.each(['/api/health/live', '/api/v1/consent', '/admin/businesses', '/no-such-route'])('%s is answered, then the server closes the connection', async (path) => {
    const { response, closedByServer, socket } = await upgradeRequest(p.baseUrl, path);
    socket.destroy();
    expect(response).toMatch(/^HTTP\/1\.1 (200|401|404) /);
    expect(closedByServer).toBe(true);
  });

  it('a graceful stop does not wait for a client that keeps such a connection open', async () => {
    const q = await startTestPlatform();
    const { socket } = await upgradeRequest(q.baseUrl, '/api/health/live');
    socket.on('error', () => undefined);
    // A leaked socket held close() until the client went away; this client never does until the test ends.
    const stopped = q.stop().then(() => 'stopped');
    const outcome = await Promise.race([stopped, new Promise((r) => setTimeout(() => r('still waiting for the open socket'), 8_000))]);
    socket.destroy();
    await stopped;
    expect(outcome).toBe('stopped');
  });
});
