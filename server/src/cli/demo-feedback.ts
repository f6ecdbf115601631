import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { demoFile, type DemoInfo } from './demo-data.js';

/**
 * The whole customer loop against the running server, as the customer app would do it:
 * a signed Square sale arrives → the customer scans the QR code → verifies amount and time →
 * gives feedback → answers the follow-up → gets a score and a reward → registers a Swish number.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const file = demoFile(config.dataDir);
  if (!existsSync(file)) throw new Error(`No demo data in ${file}: start the server once with npm start first.`);
  const demo = JSON.parse(readFileSync(file, 'utf8')) as DemoInfo;
  const base = `http://127.0.0.1:${config.port}`;
  const json = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = (await res.json()) as Record<string, unknown>;
    console.log(`${method} ${path} → ${res.status}`);
    if (!res.ok) throw new Error(JSON.stringify(data));
    return data;
  };

  const amount = 8900 + Math.floor(Math.random() * 10000);
  const paymentId = randomUUID().replace(/-/g, '').slice(0, 24);
  const at = new Date(Date.now() - 60_000).toISOString();
  const body = JSON.stringify({ merchant_id: demo.merchantId, type: 'payment.updated', event_id: randomUUID(), created_at: at, data: { type: 'payment', id: paymentId, object: { payment: { id: paymentId, created_at: at, amount_money: { amount, currency: 'SEK' }, total_money: { amount, currency: 'SEK' }, status: 'COMPLETED', location_id: demo.locationExternalId } } } });
  const signature = createHmac('sha256', demo.signingKey).update(demo.webhookUrl + body).digest('base64');
  await fetch(`${base}/webhooks/square/${demo.connectionId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature }, body });
  console.log(`Square sale of ${(amount / 100).toFixed(2)} kr ingested`);
  await new Promise((r) => setTimeout(r, 300));

  const location = await fetch(`${base}/admin/businesses/${demo.businessId}/locations/${demo.locationId}`, { headers: { authorization: `Bearer ${config.adminToken}` } }).then((r) => r.json() as Promise<{ qrToken: string; qrUrl: string }>);
  console.log(`Customer scans ${location.qrUrl}`);
  // The customer app shows the consent text first and sends back the version the customer accepted.
  const consent = (await fetch(`${base}/api/v1/consent`).then((r) => r.json())) as { version: string; text: { sv: string } };
  console.log(`Customer accepts: ${consent.text.sv}`);
  const session = await json('POST', '/api/v1/feedback-sessions', { qrToken: location.qrToken, locale: 'sv', consent: { accepted: true, version: consent.version } });
  const auth = { authorization: `Bearer ${session.sessionToken as string}` };
  const sid = session.sessionId as string;
  await json('POST', `/api/v1/feedback-sessions/${sid}/verify`, { amount: (amount / 100).toFixed(2).replace('.', ','), purchasedAt: at }, auth);
  let result = await json('POST', `/api/v1/feedback-sessions/${sid}/feedback`, { text: 'Jag köpte en cappuccino och en kardemummabulle vid kassan. Personalen var snabb och vänlig, men bullen var lite torr och det var trångt vid disken. Det vore bra med fler sittplatser vid fönstret.' }, auth);
  while (result.status === 'follow_up') {
    console.log(`Assistant asks: ${(result.followUp as { text: string }).text}`);
    result = await json('POST', `/api/v1/feedback-sessions/${sid}/feedback`, { text: 'Lunchmenyn såg bra ut, men jag saknade ett vegetariskt alternativ och priset 129 kr kändes lite högt.' }, auth);
  }
  console.log(JSON.stringify({ qualityScore: result.qualityScore, tier: result.tierLabel, reward: result.reward, breakdown: result.breakdown, categories: result.categories }, null, 2));
  const payout = await json('POST', `/api/v1/feedback-sessions/${sid}/payout`, { phone: '070-123 45 67' }, auth);
  console.log(JSON.stringify(payout, null, 2));
  if ((payout.reward as { status?: string } | undefined)?.status === 'held') {
    // Not a failure: the demo sends the same words every run, and copied feedback is what the fraud check is for.
    console.log('The reward is held for review: this demo sends the same text on every run, and the duplicate-text check holds a copy of earlier feedback. An operator approves or rejects it in the admin console (/admin, held rewards).');
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
