import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the receiver answers to one request. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | { hang: true };

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: unknown;
  /** Indexes of the configured secrets whose verification succeeded. */
  verifiedWith: number[];
  at: number;
}

/**
 * A merchant's webhook endpoint for tests: a real HTTP server on 127.0.0.1 that verifies each request
 * with standardwebhooks' Webhook.verify against the secrets it was given (a request no secret verifies
 * gets 401), deduplicates by webhook-id as a careful receiver would, and answers from a script.
 */
export class TestReceiver {
  readonly received: Received[] = [];
  readonly unverified: number[] = [];
  /** webhook-id of every verified request, whatever was answered. */
  readonly requests: string[] = [];
  private script: Reply[] = [];
  private fallback: Reply = { status: 200, body: 'ok' };
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  constructor(public secrets: string[] = []) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(path = '/hooks'): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  /** The next requests get these replies, in order; afterwards `always`. */
  reply(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  always(reply: Reply): this {
    this.fallback = reply;
    return this;
  }

  /** Distinct webhook-ids that verified (what a deduplicating merchant processed). */
  uniqueIds(): Set<string> {
    return new Set(this.received.map((r) => r.id));
  }

  async waitFor(predicate: (r: this) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${timeoutMs} ms (${this.received.length} received)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const headers = { 'webhook-id': String(req.headers['webhook-id'] ?? ''), 'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''), 'webhook-signature': String(req.headers['webhook-signature'] ?? '') };
    const verifiedWith = this.secrets.flatMap((s, i) => {
      try {
        new Webhook(s).verify(raw, headers);
        return [i];
      } catch {
        return [];
      }
    });
    if (verifiedWith.length === 0) {
      this.unverified.push(Date.now());
      res.writeHead(401).end('bad signature');
      return;
    }
    this.requests.push(headers['webhook-id']);
    const reply = this.script.shift() ?? this.fallback;
    if ('hang' in reply) {
      this.hanging.add(res);
      return;
    }
    if (reply.status >= 200 && reply.status < 300) this.received.push({ id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'], body: JSON.parse(raw), verifiedWith, at: Date.now() });
    res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '');
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
