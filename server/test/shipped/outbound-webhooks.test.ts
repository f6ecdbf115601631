/**
 * Outbound webhooks from the shipped server (`node server/dist/kvittra.mjs`) to a merchant's receiver on
 * 127.0.0.1, each request checked here with the official `standardwebhooks` package as a merchant would:
 * signature, webhook-id, timestamp tolerance (a replay with a shifted timestamp is refused), and a secret
 * rotation whose overlap carries two signatures. The merchant's view (endpoint, deliveries, attempts,
 * stats) must say delivered — the undici defect left the dashboard saying "Levererar" while every
 * delivery failed. Also the SQLite WAL checkpoint thread, which loads better-sqlite3 by its resolved path.
 *
 * Against a bundle built from `once(() => import('undici'))` (the defect) this file fails: no request
 * reaches the receiver and every attempt is recorded as `TypeError: Agent is not a constructor`.
 *
 * @covers core/undici-exports.ts, better-sqlite3, db/checkpointer.ts
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBusiness } from '../helpers/fixtures.js';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';

interface CapturedRequest {
  raw: string;
  headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };
}

/** A merchant endpoint that answers 200 and keeps each request's raw body and signature headers for the test to verify. */
async function startCapturingReceiver() {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ raw: Buffer.concat(chunks).toString('utf8'), headers: signatureHeaders(req.headers) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function signatureHeaders(h: IncomingHttpHeaders): CapturedRequest['headers'] {
  return { 'webhook-id': String(h['webhook-id'] ?? ''), 'webhook-timestamp': String(h['webhook-timestamp'] ?? ''), 'webhook-signature': String(h['webhook-signature'] ?? '') };
}

/** Verifies as the receiver would; returns the error message instead of throwing, so refusals can be compared. */
function verifyWith(secret: string, req: CapturedRequest): { payload?: unknown; error?: string } {
  try {
    return { payload: new Webhook(secret).verify(req.raw, req.headers) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('outbound webhooks through the shipped server', () => {
  let p: ServedPlatform;
  let receiver: Awaited<ReturnType<typeof startCapturingReceiver>>;
  let businessId: string;
  let base: string;
  let firstSecret: string;

  beforeAll(async () => {
    receiver = await startCapturingReceiver();
    // Short retries: with the undici defect the test fails by its deadline with the recorded attempt errors.
    p = await startServedPlatform({ OUTBOUND_WEBHOOK_BACKOFF_BASE_MS: '50', OUTBOUND_WEBHOOK_BACKOFF_MAX_MS: '200', OUTBOUND_WEBHOOK_TIMEOUT_MS: '5000' }, 'outbound webhooks server');
    businessId = (await createBusiness(p)).id;
    const res = await p.admin('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url: receiver.url, eventTypes: ['transaction.received', 'reward.created'], description: 'ERP' });
    expect(res.status, res.text).toBe(201);
    base = `/admin/businesses/${businessId}/webhook-endpoints/${res.body.id}`;
    firstSecret = res.body.secret;
  });
  afterAll(async () => {
    await p?.stop();
    await receiver?.close();
  });

  async function sendTestEvent(): Promise<{ eventId: string; deliveryId: string }> {
    const res = await p.admin('POST', `${base}/test`);
    expect(res.status, res.text).toBe(202);
    return res.body;
  }

  /**
   * Polls the delivery row in the server's database (polling the admin API would spend its 600/min rate
   * limit); on timeout the error carries the circuit state and what the attempts recorded.
   */
  async function waitDelivered(deliveryId: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await p.ctx.db.kysely.selectFrom('webhook_deliveries').select('status').where('id', '=', deliveryId).executeTakeFirst();
      if (row?.status === 'delivered') return;
      if (Date.now() > deadline) {
        const attempts = await p.ctx.db.kysely.selectFrom('webhook_delivery_attempts').select(['status_code', 'error']).where('delivery_id', '=', deliveryId).orderBy('id').execute();
        // Once failures open the endpoint's circuit, later deliveries wait without attempts: say so.
        const circuit = (await p.admin('GET', base)).body.circuitState;
        throw new Error(`delivery ${deliveryId} is ${row?.status ?? 'missing'} after ${timeoutMs} ms (circuit ${circuit}); attempts: ${JSON.stringify(attempts.map((a) => [a.status_code, a.error]))}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The receiver's copy of an event (deliveries are recorded after the receiver answered). */
  function receivedEvent(eventId: string): CapturedRequest {
    const req = receiver.requests.find((r) => r.headers['webhook-id'] === eventId);
    if (!req) throw new Error(`receiver never got ${eventId}; it got ${receiver.requests.map((r) => r.headers['webhook-id']).join(', ') || 'nothing'}`);
    return req;
  }

  it('delivers a test event that standardwebhooks verifies, with its id and a current timestamp', async () => {
    const { eventId, deliveryId } = await sendTestEvent();
    await waitDelivered(deliveryId);
    const req = receivedEvent(eventId);
    const verified = verifyWith(firstSecret, req);
    expect(verified.error).toBeUndefined();
    expect(verified.payload).toMatchObject({ id: eventId, type: 'webhook.test', data: { businessId } });
    expect(req.headers['webhook-id']).toBe(eventId);
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    // The package's tolerance is 5 minutes either way; verify() above already enforced it.
    expect(Math.abs(Number(req.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
  });

  it('refuses a replay with a shifted timestamp, even one re-signed for that time', async () => {
    const { eventId, deliveryId } = await sendTestEvent();
    await waitDelivered(deliveryId);
    const req = receivedEvent(eventId);
    const sentAt = Number(req.headers['webhook-timestamp']);
    const tenMinutesEarlier = String(sentAt - 600);
    // The captured request replayed later, as an attacker would: the timestamp is outside the tolerance.
    expect(verifyWith(firstSecret, { raw: req.raw, headers: { ...req.headers, 'webhook-timestamp': tenMinutesEarlier } }).error).toBe('Message timestamp too old');
    // Even correctly signed for the old time it is refused: the tolerance, not the signature, stops it.
    const resigned = new Webhook(firstSecret).sign(eventId, new Date((sentAt - 600) * 1000), req.raw);
    expect(verifyWith(firstSecret, { raw: req.raw, headers: { ...req.headers, 'webhook-timestamp': tenMinutesEarlier, 'webhook-signature': resigned } }).error).toBe('Message timestamp too old');
    // Within the tolerance the timestamp is still signed: moving it by one second breaks the signature.
    expect(verifyWith(firstSecret, { raw: req.raw, headers: { ...req.headers, 'webhook-timestamp': String(sentAt - 1) } }).error).toBe('No matching signature found');
  });

  it('after a rotation signs with both secrets during the overlap, then with the new one only', async () => {
    const rotated = await p.admin('POST', `${base}/rotate-secret`, { overlapHours: 24 });
    expect(rotated.status, rotated.text).toBe(200);
    const secondSecret: string = rotated.body.secret;
    expect(secondSecret).toMatch(/^whsec_/);
    expect(secondSecret).not.toBe(firstSecret);

    const during = await sendTestEvent();
    await waitDelivered(during.deliveryId);
    const overlap = receivedEvent(during.eventId);
    expect(overlap.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWith(firstSecret, overlap).payload).toMatchObject({ id: during.eventId });
    expect(verifyWith(secondSecret, overlap).payload).toMatchObject({ id: during.eventId });
    expect(verifyWith(`whsec_${randomBytes(32).toString('base64')}`, overlap).error).toBe('No matching signature found');

    const ended = await p.admin('POST', `${base}/rotate-secret`, { overlapHours: 0 });
    expect(ended.status, ended.text).toBe(200);
    const after = await sendTestEvent();
    await waitDelivered(after.deliveryId);
    const single = receivedEvent(after.eventId);
    expect(single.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verifyWith(ended.body.secret, single).payload).toMatchObject({ id: after.eventId });
    expect(verifyWith(firstSecret, single).error).toBe('No matching signature found');
  });

  it('the merchant sees every delivery as delivered: endpoint, deliveries, attempts and stats', async () => {
    await waitDelivered((await sendTestEvent()).deliveryId);
    const sent = receiver.requests.length;
    const endpoint = await p.admin('GET', base);
    expect(endpoint.body).toMatchObject({ enabled: true, circuitState: 'closed' });
    const deliveries = (await p.admin('GET', `${base}/deliveries`)).body.items as { status: string; lastStatusCode: number; lastError: string | null }[];
    expect(deliveries.map((d) => [d.status, d.lastStatusCode, d.lastError])).toEqual(Array(sent).fill(['delivered', 200, null]));
    const attempts = (await p.admin('GET', `${base}/attempts`)).body.items as { statusCode: number; outcome: string; error: string | null }[];
    expect(attempts.map((a) => [a.statusCode, a.outcome, a.error])).toEqual(Array(sent).fill([200, 'delivered', null]));
    const stats = await p.admin('GET', '/swedish-ops/webhook-stats');
    expect(stats.status, stats.text).toBe(200);
    const mine = stats.body.endpoints.find((e: { endpointId: string }) => base.endsWith(e.endpointId));
    expect(mine.windows['24h']).toEqual({ delivered: sent, dead: 0, pending: 0, successRate: 1 });
    const metrics = (await p.admin('GET', '/metrics')).text;
    expect(metrics).toMatch(new RegExp(`^webhook_deliveries_total\\{result="delivered"\\} ${sent}$`, 'm'));
  });

  it('runs SQLite WAL checkpoints on their own thread, which loaded better-sqlite3 from the bundle', async () => {
    // The thread reports only checkpoints that found new WAL frames; the writes above gave it some.
    const threadCheckpoints = async () => Number(/^sqlite_wal_checkpoints\{by="thread"\} (\d+)$/m.exec((await p.admin('GET', '/metrics')).text)?.[1] ?? -1);
    await expect.poll(threadCheckpoints, { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await p.admin('GET', '/metrics')).text).toMatch(/^sqlite_checkpoint_thread_up 1$/m);
    expect(p.server.output()).not.toMatch(/checkpoint thread (failed|exited)/);
  });
});
