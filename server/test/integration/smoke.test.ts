import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection } from '../helpers/fixtures.js';
import { squarePayment } from '../helpers/pos-payloads.js';

describe.skipIf(backendUnavailable)('smoke', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  it('ingests a signed Square sale into a transaction', async () => {
    const c = await setupConnection(p, 'square');
    const wh = squarePayment(c, { amount: 12350 });
    const res = await p.api('POST', wh.path, wh.body, wh.headers);
    expect(res.status, res.text).toBe(200);
    expect(await p.ctx.queue.drain()).toBe(true);
    const tx = await p.admin('GET', `/admin/businesses/${c.businessId}/transactions`);
    expect(tx.status).toBe(200);
    expect(tx.body.items).toHaveLength(1);
    expect(tx.body.items[0]).toMatchObject({ provider: 'square', amountMinor: 12350, currency: 'SEK', status: 'completed', locationId: c.locationId });
  });
});
