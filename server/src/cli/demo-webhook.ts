import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { demoFile, type DemoInfo } from './demo-data.js';

/** Sends one signed Square `payment.updated` (COMPLETED) to the running server, then shows the stored transaction. */
async function main(): Promise<void> {
  const config = loadConfig();
  const file = demoFile(config.dataDir);
  if (!existsSync(file)) throw new Error(`No demo data in ${file}: start the server once with npm start (development mode) first.`);
  const demo = JSON.parse(readFileSync(file, 'utf8')) as DemoInfo;
  const amount = 4500 + Math.floor(Math.random() * 20000);
  const paymentId = randomUUID().replace(/-/g, '').slice(0, 24);
  const now = new Date().toISOString();
  const body = JSON.stringify({
    merchant_id: demo.merchantId,
    type: 'payment.updated',
    event_id: randomUUID(),
    created_at: now,
    data: { type: 'payment', id: paymentId, object: { payment: { id: paymentId, created_at: now, updated_at: now, amount_money: { amount, currency: 'SEK' }, total_money: { amount, currency: 'SEK' }, status: 'COMPLETED', source_type: 'CARD', card_details: { card: { last_4: '4242' } }, location_id: demo.locationExternalId } } },
  });
  const signature = createHmac('sha256', demo.signingKey).update(demo.webhookUrl + body).digest('base64');
  const local = `http://127.0.0.1:${config.port}/webhooks/square/${demo.connectionId}`;
  const res = await fetch(local, { method: 'POST', headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature }, body });
  console.log(`POST ${local} → ${res.status} ${await res.text()}`);
  await new Promise((r) => setTimeout(r, 300));
  const tx = await fetch(`http://127.0.0.1:${config.port}/admin/businesses/${demo.businessId}/transactions?limit=1`, { headers: { authorization: `Bearer ${config.adminToken}` } });
  console.log(`Latest transaction of ${demo.businessName}:`, JSON.stringify(((await tx.json()) as { items: unknown[] }).items[0], null, 2));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
