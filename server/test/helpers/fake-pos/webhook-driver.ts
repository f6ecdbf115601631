import type { TestPlatform } from '../platform.js';
import type { SignedWebhook } from '../pos-payloads.js';

/**
 * Sends signed webhooks (built with pos-payloads.ts) the way providers misbehave: duplicated,
 * reordered, or with a broken signature. Returns each response status in sending order.
 */
export interface DriveOptions {
  /** Send each webhook this many times. */
  copies?: number;
  /** Reverse the order (e.g. refund before sale). */
  reverse?: boolean;
  /** Send all at once instead of one by one. */
  concurrent?: boolean;
}

export function withWrongSignature(wh: SignedWebhook): SignedWebhook {
  const headers = Object.fromEntries(
    Object.entries(wh.headers).map(([k, v]) => [k, /signature|hmac/i.test(k) ? flip(v) : v]),
  );
  return { ...wh, headers };
}

/** Change one character, keeping the encoding valid-looking. */
function flip(sig: string): string {
  const c = sig[0] === 'A' ? 'B' : 'A';
  return c + sig.slice(1);
}

export async function drive(p: Pick<TestPlatform, 'api'>, webhooks: SignedWebhook[], o: DriveOptions = {}): Promise<number[]> {
  const list = (o.reverse ? [...webhooks].reverse() : webhooks).flatMap((wh) => Array.from({ length: o.copies ?? 1 }, () => wh));
  const sendOne = async (wh: SignedWebhook) => (await p.api('POST', wh.path, wh.body, wh.headers)).status;
  if (o.concurrent) return Promise.all(list.map(sendOne));
  const out: number[] = [];
  for (const wh of list) out.push(await sendOne(wh));
  return out;
}
