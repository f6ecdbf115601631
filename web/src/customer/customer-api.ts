import { api, ApiError } from '../lib/api';

/** Typed calls of the customer API (docs/api.md "The customer API"); the session token rides as a Bearer header. */
export interface PublicLocation {
  locationId: string;
  businessName: string;
  locationName: string;
  businessType: string;
  businessTypeLabel?: string;
  languages: string[];
  voiceAvailable: boolean;
  /** What voice the server offers (upload, WebSocket stream, spoken questions); absent on older servers. */
  voice?: { upload: boolean; stream: boolean; tts: boolean };
  /** False when the shop currently pays no rewards (feedback is still welcome). */
  rewardsAvailable?: boolean;
}

export interface Consent {
  version: string;
  text: { sv: string; en: string };
}

export interface Session {
  sessionId: string;
  sessionToken: string;
  expiresAt: string;
  channel: 'qr' | 'store_code';
}

export interface FollowUp {
  status: 'follow_up';
  followUp: { text: string; questionId: string | null; remaining: number };
  transcript?: { text: string };
}

export interface Completed {
  status: 'completed';
  qualityScore: number | null;
  tier: string;
  tierLabel: string;
  reward: { amountMinor: number; currency: 'SEK'; status: string; explanation: { sv: string; en: string } | null };
  breakdown?: { authenticity?: number; concreteness?: number; depth?: number };
  categories: string[];
  reasons?: { code: string; sv: string; en: string }[];
  payoutRegistered: boolean;
  transcript?: { text: string };
}

export type TurnAnswer = FollowUp | Completed;

export type By = { qrToken: string } | { storeCode: string };

const DEVICE_KEY = 'kvittra.device';

/** A random id kept on the phone; the server only stores a keyed hash of it (fraud velocity). */
export function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id || !/^[A-Za-z0-9_-]{8,128}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export function lookupLocation(by: By): Promise<PublicLocation> {
  return 'qrToken' in by
    ? api<PublicLocation>('GET', `/api/v1/locations/by-qr/${encodeURIComponent(by.qrToken)}`)
    : api<PublicLocation>('GET', `/api/v1/locations/by-store-code/${encodeURIComponent(by.storeCode)}`);
}

/** The current consent text, or null on a server that does not ask for consent (older deployments). */
export async function fetchConsent(): Promise<Consent | null> {
  try {
    return await api<Consent>('GET', '/api/v1/consent');
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export function startSession(by: By, locale: string, consent: Consent | null): Promise<Session> {
  const body = { ...by, locale, ...(consent ? { consent: { accepted: true, version: consent.version } } : {}) };
  return api<Session>('POST', '/api/v1/feedback-sessions', { body, headers: { 'x-device-id': deviceId() } });
}

/** Calls on one session: every request carries its token. */
export function sessionClient(s: Session) {
  const headers = () => ({ authorization: `Bearer ${s.sessionToken}`, 'x-device-id': deviceId() });
  const path = (p: string) => `/api/v1/feedback-sessions/${s.sessionId}${p}`;
  return {
    sessionId: s.sessionId,
    token: s.sessionToken,
    verify: (b: { amount: string; purchasedAt: string; cardLast4?: string }) => api<{ verified: true }>('POST', path('/verify'), { body: b, headers: headers() }),
    claim: (b: { amount: string; purchasedAt: string; phone: string }) => api<{ claimed: true; status: string; deadlineAt: string }>('POST', path('/claim'), { body: b, headers: headers() }),
    sendText: (text: string, finish = false) => api<TurnAnswer>('POST', path('/feedback'), { body: { text, finish }, headers: headers() }),
    sendAudio: (audio: Blob, filename: string) => {
      const form = new FormData();
      form.append('audio', audio, filename);
      return api<TurnAnswer>('POST', path('/feedback'), { form, headers: headers() });
    },
    finish: () => api<Completed>('POST', path('/finish'), { headers: headers() }),
    payout: (phone: string) => api<{ phone: string; reward: { amountMinor: number; currency: string; status: string } }>('POST', path('/payout'), { body: { phone }, headers: headers() }),
  };
}

export type SessionClient = ReturnType<typeof sessionClient>;
