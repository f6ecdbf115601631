import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { squarePayment } from '../helpers/pos-payloads.js';
import { connect, send } from '../helpers/webhook-helpers.js';

describe.skipIf(backendUnavailable)('last event received on a POS connection', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  it('is set by the first webhook and not rewritten for every following one', async () => {
    const c = await connect(p, 'square');
    const before = await p.admin('GET', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}`);
    expect(before.body.lastEventAt).toBeNull();

    expect((await send(p, squarePayment(c, { amount: 12_300 }))).status).toBe(200);
    const first = (await p.admin('GET', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}`)).body.lastEventAt;
    expect(new Date(first).getTime()).toBeGreaterThan(Date.now() - 60_000);

    // A burst right after: the connection row is touched at most once per interval (row contention).
    for (let i = 0; i < 5; i++) expect((await send(p, squarePayment(c, { amount: 100 + i }))).status).toBe(200);
    const after = (await p.admin('GET', `/admin/businesses/${c.businessId}/pos-connections/${c.connectionId}`)).body.lastEventAt;
    expect(after).toBe(first);
  });
});
