import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A merchant's webhook receiver on 127.0.0.1: verifies the Standard Webhooks signature with the
 * endpoint's secret (one endpoint per business, path /hooks/<businessId>) and counts every
 * `webhook-id` it accepts, so duplicates (at-least-once redeliveries) can be counted exactly.
 */
export interface Receiver {
  url: string;
  /** Register the secret returned when the endpoint was created. */
  trust(businessId: string, secret: string): void;
  /** Accepted (valid signature) deliveries per webhook-id. */
  received: Map<string, number>;
  invalidSignatures: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const verifiers = new Map<string, Webhook>();
  const received = new Map<string, number>();
  let invalidSignatures = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const businessId = (req.url ?? '').split('/')[2] ?? '';
      const verifier = verifiers.get(businessId);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
      try {
        if (!verifier) throw new Error('unknown endpoint');
        verifier.verify(Buffer.concat(chunks).toString('utf8'), headers);
      } catch {
        invalidSignatures += 1;
        res.writeHead(400).end();
        return;
      }
      const id = headers['webhook-id']!;
      received.set(id, (received.get(id) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    trust: (businessId, secret) => verifiers.set(businessId, new Webhook(secret)),
    received,
    get invalidSignatures() {
      return invalidSignatures;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
