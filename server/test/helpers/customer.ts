import type { PlatformHandle } from './platform.js';
import { setupConnection, type ConnectionSetup } from './fixtures.js';
import { squarePayment } from './pos-payloads.js';
import { CONSENT_VERSION } from '../../src/feedback/consent.js';

/** The consent every session start carries (GET /api/v1/consent gives the current version). */
export const CONSENT = { accepted: true, version: CONSENT_VERSION } as const;

export interface CustomerSession {
  sessionId: string;
  token: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): ReturnType<PlatformHandle['api']>;
}

let deviceSeq = 0;

/** Starts a session the way the customer app does (QR token or store code), with its own device id. */
export async function startSession(p: PlatformHandle, by: { qrToken?: string; storeCode?: string }, opts: { deviceId?: string; locale?: 'sv' | 'en' } = {}): Promise<CustomerSession> {
  const deviceId = opts.deviceId ?? `device-test-${process.pid}-${Date.now()}-${deviceSeq++}`;
  const res = await p.api('POST', '/api/v1/feedback-sessions', { ...by, locale: opts.locale ?? 'sv', consent: CONSENT }, { 'x-device-id': deviceId });
  if (res.status !== 201) throw new Error(`startSession: ${res.status} ${res.text}`);
  const { sessionId, sessionToken } = res.body as { sessionId: string; sessionToken: string };
  return {
    sessionId,
    token: sessionToken,
    call: (method, path, body, headers = {}) => p.api(method, `/api/v1/feedback-sessions/${sessionId}${path}`, body, { authorization: `Bearer ${sessionToken}`, 'x-device-id': deviceId, ...headers }),
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * `text` with UUIDs and the given random ids (e.g. a sale's paymentId) blanked out, for "no phone
 * number leaked" checks: random ids can hold the phone's digits by chance; any real field keeps them.
 */
export function withoutRandomIds(text: string, ...ids: string[]): string {
  return ids.reduce((t, id) => t.replaceAll(id, '<id>'), text.replace(UUID, '<uuid>'));
}

export async function locationQr(p: PlatformHandle, c: ConnectionSetup): Promise<{ qrToken: string; storeCode: string }> {
  const res = await p.admin('GET', `/admin/businesses/${c.businessId}/locations/${c.locationId}`);
  return { qrToken: res.body.qrToken, storeCode: res.body.storeCode };
}

/** The card digits of a test sale unless a test says otherwise (the customer then has to give them). */
export const TEST_CARD_LAST4 = '4242';

export interface IngestedSale {
  paymentId: string;
  occurredAt: string;
  /** The card's last four digits as the POS sent them; undefined for a cash sale. */
  last4: string | undefined;
}

/** A Square sale at the connection's location, `minutesAgo` before now, ingested and applied; last4 null is a cash sale. */
export async function ingestSale(p: PlatformHandle, c: ConnectionSetup, amountMinor: number, minutesAgo = 5, last4: string | null = TEST_CARD_LAST4): Promise<IngestedSale> {
  return ingestSaleAt(p, c, amountMinor, new Date(Date.now() - minutesAgo * 60_000).toISOString(), last4);
}

/** A Square sale at an exact instant (for scripts that must know the receipt times precisely). */
export async function ingestSaleAt(p: PlatformHandle, c: ConnectionSetup, amountMinor: number, occurredAt: string, last4: string | null = TEST_CARD_LAST4): Promise<IngestedSale> {
  const paymentId = `P${Math.random().toString(36).slice(2, 14)}`;
  const wh = squarePayment(c, { amount: amountMinor, createdAt: occurredAt, paymentId, last4 });
  const res = await p.api('POST', wh.path, wh.body, wh.headers);
  if (res.status !== 200) throw new Error(`ingestSale: ${res.status} ${res.text}`);
  await p.ctx.queue.drain();
  return { paymentId, occurredAt, last4: last4 ?? undefined };
}

export const RICH_FEEDBACK_SV =
  'Jag beställde en cappuccino och en kanelbulle vid kassan kl 12. Anna som jobbade var väldigt trevlig och förklarade skillnaden mellan bönorna. ' +
  'Kaffet var perfekt tempererat men kanelbullen var lite torr, troligen från igår. Det vore bra om ni märkte upp vilka bullar som är nybakade. Kön tog ungefär tio minuter eftersom bara en kassa var öppen.';

export async function squareSetup(p: PlatformHandle): Promise<ConnectionSetup> {
  return setupConnection(p, 'square');
}
