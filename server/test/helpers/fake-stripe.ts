import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Stripe API on 127.0.0.1 for POST /v1/transfers: form-encoded bodies, Idempotency-Key replay
 * (the same key returns the first transfer), and behaviour chosen by the destination account id:
 * acct_declined… → 400 account_invalid, acct_flaky… → two 500s then success, anything else → success.
 */
export interface FakeStripe {
  url: string;
  requests: { key: string | undefined; auth: string | undefined; version: string | undefined; contentType: string | undefined; form: URLSearchParams }[];
  transfers: Map<string, { id: string; amount: number; destination: string }>;
  close(): Promise<void>;
}

const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => resolve(body));
});

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: FakeStripe['requests'] = [];
  const transfers = new Map<string, { id: string; amount: number; destination: string }>();
  const flakyCalls = new Map<string, number>();
  let seq = 0;
  const server: Server = createServer(async (req, res) => {
    const form = new URLSearchParams(await read(req));
    const key = req.headers['idempotency-key'] as string | undefined;
    requests.push({ key, auth: req.headers.authorization, version: req.headers['stripe-version'] as string | undefined, contentType: req.headers['content-type'], form });
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'POST' || req.url !== '/v1/transfers') return send(404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } });
    if (req.headers.authorization !== 'Bearer sk_test_kvittra') return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    const destination = form.get('destination') ?? '';
    if (key && transfers.has(key)) return send(200, { object: 'transfer', ...transfers.get(key) });
    if (destination.startsWith('acct_declined')) return send(400, { error: { type: 'invalid_request_error', code: 'account_invalid', message: 'The destination account is not valid.' } });
    if (destination.startsWith('acct_flaky')) {
      const n = (flakyCalls.get(key ?? '') ?? 0) + 1;
      flakyCalls.set(key ?? '', n);
      if (n <= 2) return send(500, { error: { type: 'api_error', message: 'Something went wrong on Stripe\'s end.' } });
    }
    const transfer = { id: `tr_fake${++seq}`, amount: Number(form.get('amount')), destination };
    if (key) transfers.set(key, transfer);
    return send(200, { object: 'transfer', currency: form.get('currency'), ...transfer });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, transfers, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
