import type { Server } from 'node:http';

/**
 * Whether the HTTP server is serving a request right now. Counted on the raw server: 'close' fires for
 * every response, finished or aborted, so the count cannot drift the way paired hooks can.
 */
export function servingRequests(server: Server): () => boolean {
  let inFlight = 0;
  server.on('request', (_req, res) => {
    inFlight += 1;
    res.once('close', () => (inFlight -= 1));
  });
  return () => inFlight > 0;
}
