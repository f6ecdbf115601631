/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI speech API: `POST /v1/audio/speech` with JSON
 * `{model, input, voice, response_format}` answers audio bytes. It records each request body and
 * authorization header; failures are switched on with setBehaviour().
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeSpeechBehaviour =
  | { kind: 'audio'; bytes: Buffer; contentType?: string }
  | { kind: 'status'; status: number }
  | { kind: 'not-audio' }
  | { kind: 'slow'; delayMs: number };

export interface SpeechRequest {
  path: string;
  authorization: string | null;
  contentType: string | null;
  body: Record<string, unknown> | null;
}

export interface FakeSpeechServer {
  url: string;
  received: SpeechRequest[];
  setBehaviour(b: FakeSpeechBehaviour): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function startFakeSpeechServer(initial: FakeSpeechBehaviour): Promise<FakeSpeechServer> {
  const received: SpeechRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let behaviour = initial;

  function respond(res: ServerResponse): void {
    const b = behaviour;
    if (b.kind === 'audio') return void res.writeHead(200, { 'content-type': b.contentType ?? 'audio/mpeg' }).end(b.bytes);
    if (b.kind === 'status') return void res.writeHead(b.status, { 'content-type': 'application/json' }).end('{"error":{"message":"fake failure"}}');
    if (b.kind === 'not-audio') return void res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('<html>proxy error</html>');
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(Buffer.from('ID3late'));
    }, b.delayMs);
    timers.add(timer);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      const text = await readBody(req);
      if (req.method !== 'POST' || url.pathname !== '/v1/audio/speech') return void res.writeHead(404).end();
      received.push({ path: url.pathname, authorization: req.headers.authorization ?? null, contentType: req.headers['content-type'] ?? null, body: parseJson(text) });
      respond(res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    setBehaviour: (b) => {
      behaviour = b;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
