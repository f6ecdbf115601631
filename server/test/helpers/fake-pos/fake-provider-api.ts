import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake of the three providers' list APIs on 127.0.0.1 (random port), speaking their request and
 * response shapes, with faults injected on demand. Several instances (primary/secondary endpoints)
 * may share one `FakePosData`, like regional hosts of one provider.
 */

export interface FakePosData {
  square: { payments: Record<string, unknown>[]; refunds: Record<string, unknown>[] };
  /** Shopify orders as raw JSON text (64-bit ids must stay exact), each with its refunds inside. */
  shopifyOrders: string[];
  zettlePurchases: Record<string, unknown>[];
  /** Bearer / access tokens accepted; anything else is 401 (an expired token). */
  validTokens: Set<string>;
  /** Square OAuth refresh: refresh token → new access token. Zettle: API key → access token. */
  squareRefresh: Map<string, string>;
  zettleKeys: Map<string, string>;
}

export function emptyData(): FakePosData {
  return { square: { payments: [], refunds: [] }, shopifyOrders: [], zettlePurchases: [], validTokens: new Set(), squareRefresh: new Map(), zettleKeys: new Map() };
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'timeout' } // accept, never answer
  | { kind: 'reset' } // destroy the socket
  | { kind: 'slow_body'; delayMs: number } // headers now, body later
  | { kind: 'unauthorized' };

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export class FakeProviderApi {
  url = '';
  readonly requests: SeenRequest[] = [];
  /** Persistent failure for every request (also health probes) until cleared. */
  down: Fault | null = null;
  /** Page size cap, so tests exercise cursor / Link / lastPurchaseHash pagination. */
  maxPageSize = 1000;
  private readonly faults: Fault[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(readonly data: FakePosData = emptyData()) {}

  /** The next `times` API requests (health probes excluded) fail with `fault`. */
  inject(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  apiRequests(prefix = '/'): SeenRequest[] {
    return this.requests.filter((r) => r.path !== '/' && r.path.startsWith(prefix));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
    this.requests.push(seen);
    const fault = this.down ?? (url.pathname === '/' ? undefined : this.faults.shift());
    if (fault && (await this.applyFault(fault, req, res))) return;
    if (url.pathname === '/') return json(res, 200, { ok: true });
    if (url.pathname === '/oauth2/token') return this.squareToken(seen, res);
    if (url.pathname === '/token') return this.zettleToken(seen, res);
    if (!this.authorised(req)) return json(res, 401, { errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail: 'expired token' }] });
    if (url.pathname === '/v2/payments') return this.squareList(seen, res, 'payments');
    if (url.pathname === '/v2/refunds') return this.squareList(seen, res, 'refunds');
    if (/^\/admin\/api\/[\d-]+\/orders\.json$/.test(url.pathname)) return this.shopifyOrders(seen, res);
    if (url.pathname === '/purchases/v2') return this.zettlePurchases(seen, res);
    return json(res, 404, { error: 'not found' });
  }

  /** true when the fault produced the whole response. */
  private async applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
        res.end(fault.body ?? JSON.stringify({ errors: [{ code: 'FAULT', status: fault.status }] }));
        return true;
      case 'timeout':
        return true; // never answer; the client's timeout fires
      case 'reset':
        req.socket.destroy();
        return true;
      case 'unauthorized':
        json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] });
        return true;
      case 'slow_body':
        this.slowBodies.push(fault.delayMs);
        return false;
    }
  }

  private slowBodies: number[] = [];

  private authorised(req: IncomingMessage): boolean {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (req.headers['x-shopify-access-token'] as string | undefined);
    return !!token && this.data.validTokens.has(token);
  }

  private async send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): Promise<void> {
    const delay = this.slowBodies.shift();
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    if (delay === undefined) return void res.end(body);
    res.write(body.slice(0, 1));
    await new Promise((r) => setTimeout(r, delay));
    res.end(body.slice(1));
  }

  private squareToken(seen: SeenRequest, res: ServerResponse) {
    const body = JSON.parse(seen.body || '{}') as { grant_type?: string; refresh_token?: string };
    const token = body.grant_type === 'refresh_token' ? this.data.squareRefresh.get(body.refresh_token ?? '') : undefined;
    if (!token) return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] });
    this.data.validTokens.add(token);
    return json(res, 200, { access_token: token, token_type: 'bearer', expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(), merchant_id: 'M', refresh_token: body.refresh_token });
  }

  private zettleToken(seen: SeenRequest, res: ServerResponse) {
    const form = new URLSearchParams(seen.body);
    const token = form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && form.get('client_id') ? this.data.zettleKeys.get(form.get('assertion') ?? '') : undefined;
    if (!token) return json(res, 400, { error: 'invalid_grant' });
    this.data.validTokens.add(token);
    return json(res, 200, { access_token: token, expires_in: 7200 });
  }

  private squareList(seen: SeenRequest, res: ServerResponse, kind: 'payments' | 'refunds') {
    const begin = seen.query.get('begin_time') ?? '';
    const end = seen.query.get('end_time') ?? '\uffff';
    const loc = seen.query.get('location_id');
    const all = this.data.square[kind].filter((p) => String(p.created_at) >= begin && String(p.created_at) < end && (!loc || p.location_id === loc));
    const start = Number(seen.query.get('cursor') ?? 0);
    const limit = Math.min(this.maxPageSize, Number(seen.query.get('limit') ?? 100));
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : undefined;
    return this.send(res, 200, JSON.stringify(next ? { [kind]: page, cursor: next } : { [kind]: page }));
  }

  private shopifyOrders(seen: SeenRequest, res: ServerResponse) {
    const start = Number(seen.query.get('page_info') ?? 0);
    const limit = Math.min(this.maxPageSize, Number(seen.query.get('limit') ?? 50));
    const page = this.data.shopifyOrders.slice(start, start + limit);
    const headers: Record<string, string> = {};
    if (start + limit < this.data.shopifyOrders.length) headers.link = `<https://shop.myshopify.com${seen.path}?limit=${limit}&page_info=${start + limit}>; rel="next"`;
    return this.send(res, 200, `{"orders":[${page.join(',')}]}`, headers);
  }

  private zettlePurchases(seen: SeenRequest, res: ServerResponse) {
    const start = Number(seen.query.get('lastPurchaseHash') ?? 0);
    const limit = Math.min(this.maxPageSize, Number(seen.query.get('limit') ?? 100));
    const page = this.data.zettlePurchases.slice(start, start + limit);
    return this.send(res, 200, JSON.stringify({ purchases: page, firstPurchaseHash: String(start), lastPurchaseHash: page.length ? String(start + page.length) : undefined }));
  }
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
