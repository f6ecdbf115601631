import { randomBytes } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.js';
import { safeEqual } from '../core/crypto.js';

/**
 * Who is asking, as far as the server can tell without an account: the device and the network address.
 *
 * X-Device-Id is chosen by the client (the app keeps a random id in local storage), so on its own it is
 * worth nothing against someone who changes it. The server therefore also issues a signed device cookie
 * (HttpOnly, a year) at the first session start, carrying the app's own id: when a request presents a valid
 * cookie, the cookie's id is the device, whatever X-Device-Id says. A script that drops cookies is back to
 * the header — that is what the address-based budgets and the payout phone are for (docs/runbook.md,
 * "What a ban can and cannot stop").
 */
export const DEVICE_COOKIE = 'kvittra_device';
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 86_400;
const DEVICE_ID = /^[A-Za-z0-9_-]{8,128}$/;

export interface ClientIdentity {
  /** Keyed hash of the device: the signed cookie's id when valid, otherwise X-Device-Id's; null without either. */
  deviceHash: string | null;
  /** Keyed hashes of every device id the request presented (cookie and header), so a ban on either applies. */
  deviceHashes: string[];
  /** Keyed hash of the exact client address (stored on sessions, as before). */
  ipHash: string;
  /** Keyed hash of the address's network: the IPv4 address itself, or the IPv6 /64 a single subscriber gets. */
  networkHash: string;
  /** The device id a new cookie should carry, when the request brought no valid cookie. */
  newCookieId: string | null;
}

/** The signature is the keyed device hash of "cookie:<id>" (ids cannot contain ':', so it never equals a device hash). */
const signature = (ctx: AppContext, id: string) => ctx.services.pii.hash('device', `cookie:${id}`);

export function signDeviceCookie(ctx: AppContext, id: string): string {
  return `${id}.${signature(ctx, id)}`;
}

/** The device id of a valid signed cookie; a missing, malformed or forged cookie is ignored. */
export function verifiedCookieId(ctx: AppContext, value: string | undefined): string | null {
  if (!value) return null;
  const dot = value.indexOf('.');
  const id = value.slice(0, dot);
  if (dot < 0 || !DEVICE_ID.test(id)) return null;
  return safeEqual(value.slice(dot + 1), signature(ctx, id)) ? id : null;
}

/**
 * IPv4 addresses are one customer (or one NAT) each; an IPv6 subscriber usually owns a whole /64 and can
 * rotate through it at will, so budgets and bans key on the /64. IPv4-mapped IPv6 counts as IPv4.
 */
export function networkOf(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') return addr.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/64`).toString()}/64`;
}

export function clientIdentity(ctx: AppContext, req: FastifyRequest): ClientIdentity {
  const header = req.headers['x-device-id'];
  const headerId = typeof header === 'string' && DEVICE_ID.test(header) ? header : null;
  const cookieId = verifiedCookieId(ctx, req.cookies?.[DEVICE_COOKIE]);
  const hash = (id: string) => ctx.services.pii.hash('device', id);
  const ids = [...new Set([cookieId, headerId].filter((id): id is string => id !== null))];
  const deviceId = cookieId ?? headerId;
  return {
    deviceHash: deviceId ? hash(deviceId) : null,
    deviceHashes: ids.map(hash),
    ipHash: ctx.services.pii.hash('ip', req.ip),
    networkHash: ctx.services.pii.hash('ip', `net:${networkOf(req.ip)}`),
    newCookieId: cookieId ? null : (headerId ?? randomBytes(16).toString('hex')),
  };
}

/** Issues the signed device cookie (only where the customer API is served). */
export function setDeviceCookie(ctx: AppContext, reply: FastifyReply, id: string): void {
  reply.setCookie(DEVICE_COOKIE, signDeviceCookie(ctx, id), {
    path: '/api/v1',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicBaseUrl.startsWith('https://'),
    maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
  });
}
