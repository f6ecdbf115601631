import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../http/context.js';
import { randomToken } from '../core/crypto.js';
import { createBusiness } from '../businesses/business-service.js';
import { decideApproval } from '../admin-console/approval-routes.js';
import { createLocation } from '../locations/location-service.js';
import { createConnection } from '../pos/connection-service.js';

export interface DemoInfo {
  businessId: string;
  businessName: string;
  locationId: string;
  connectionId: string;
  merchantId: string;
  locationExternalId: string;
  signingKey: string;
  webhookUrl: string;
}

export const DEMO_ORG_NUMBER = '559123-4561';
export const demoFile = (dataDir: string) => path.join(dataDir, 'demo.json');

/**
 * First development start on an empty database: one café with a location and a Square connection,
 * so `npm run demo:webhook` can show a signed webhook becoming a transaction. The signing key is
 * kept beside the dev secrets (DATA_DIR/demo.json), never printed.
 */
export async function seedDemoData(ctx: AppContext): Promise<DemoInfo | null> {
  const file = demoFile(ctx.config.dataDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoInfo;
  const existing = await ctx.db.kysely.selectFrom('businesses').select('id').limit(1).execute();
  if (existing.length > 0) return null;
  const who = { actor: 'demo-seed', ip: null };
  const business = await createBusiness(ctx.db, { name: 'Kafé Solsidan', orgNumber: DEMO_ORG_NUMBER, businessType: 'cafe', email: 'hej@solsidan.example' }, who);
  // The operator's approval step is implied for the local demo shop, so customers can find it at once.
  await decideApproval(ctx.db, business.id, 'approved', 'demo data', who);
  const location = await createLocation(ctx.db, business.id, { name: 'Kafé Solsidan Södermalm', address: 'Götgatan 1, 116 46 Stockholm' }, who);
  const signingKey = randomToken(24);
  const merchantId = 'DEMOMERCHANT1';
  const locationExternalId = 'DEMOLOCATION1';
  const conn = await createConnection(ctx.db, ctx.config.encryptionKey, ctx.config.publicBaseUrl, business.id, { provider: 'square', locationId: location.id, externalMerchantId: merchantId, externalLocationId: locationExternalId, signingKey }, who, { byBusinessUser: false });
  const info: DemoInfo = { businessId: business.id, businessName: business.name, locationId: location.id, connectionId: conn.id, merchantId, locationExternalId, signingKey, webhookUrl: conn.webhook_url };
  writeFileSync(file, JSON.stringify(info, null, 2), { mode: 0o600 });
  return info;
}
