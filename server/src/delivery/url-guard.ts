import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

/**
 * SSRF guard for merchant-supplied webhook URLs: https to public addresses only, in every mode. Exactly one
 * thing can be relaxed — http(s) to this machine's loopback (127.0.0.0/8, ::1, localhost), for a receiver
 * running beside Kvittra: always in development and test, and in production only with
 * OUTBOUND_WEBHOOK_ALLOW_LOOPBACK and only for endpoints an operator registers. Every other private,
 * link-local, CGNAT, NAT64, 6to4, Teredo, site-local and IPv4-embedded IPv6 form stays refused; before,
 * "dev" mode waved through 10.0.0.1 and 169.254.169.254 and logged 1 KB of what they answered.
 * The check runs twice: on the URL when an endpoint is saved, and on every resolved address when a
 * delivery connects (so a host name that later resolves to 10.0.0.1 — DNS rebinding — is refused too).
 */
const privateV4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) privateV4.addSubnet(net, prefix, 'ipv4');

// A separate list: Node's BlockList matches IPv4 addresses against ::ffff:0:0/96, so one list holding both
// would refuse every IPv4 address.
const privateV6 = new BlockList();
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback (::1) and IPv4-compatible (::127.0.0.1)
  ['::ffff:0:0', 96], // IPv4-mapped (::ffff:127.0.0.1)
  ['::ffff:0:0:0', 96], // IPv4-translated (::ffff:0:7f00:1)
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo (embeds an IPv4 address)
  ['2001:10::', 28], // ORCHID
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
] as const) privateV6.addSubnet(net, prefix, 'ipv6');

const loopbackV4 = new BlockList();
loopbackV4.addSubnet('127.0.0.0', 8, 'ipv4');

const PRIVATE_NAME_SUFFIXES = ['.localhost', '.internal', '.local', '.localdomain', '.home.arpa', '.lan', '.intranet', '.corp'];

/** What a destination may be beyond a public https address. */
export interface DestinationPolicy {
  /** http or https to a loopback address or `localhost`. */
  loopback: boolean;
}

export const STRICT: DestinationPolicy = { loopback: false };

/** Whether this deployment lets loopback destinations through at all (development/test, or the operator's flag). */
export const loopbackEnabled = (env: string, allowLoopbackFlag: boolean): boolean => env !== 'production' || allowLoopbackFlag;

/**
 * The policy for saving an endpoint: loopback for anyone in development/test; in production only with the flag
 * and only when an operator saves it (a tenant owner must not point deliveries at the platform's own machine).
 */
export function registrationPolicy(env: string, allowLoopbackFlag: boolean, byOperator: boolean): DestinationPolicy {
  return { loopback: env !== 'production' ? true : allowLoopbackFlag && byOperator };
}

/**
 * The policy for delivering to `url`: loopback only when enabled and the URL itself names loopback — a public
 * host name that resolves to 127.0.0.1 is refused at connect time even then. Only an operator (or anyone in
 * development/test) can have saved a URL that names loopback.
 */
export function deliveryPolicy(loopbackIsEnabled: boolean, url: string): DestinationPolicy {
  if (!loopbackIsEnabled) return STRICT;
  try {
    return { loopback: isLoopbackHost(new URL(url).hostname) };
  } catch {
    return STRICT;
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Any private, loopback, link-local or otherwise non-public address, IPv4 or IPv6 (embedded forms included). */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return privateV4.check(ip, 'ipv4');
  if (family === 6) return privateV6.check(ip, 'ipv6');
  return true; // not an address at all: never a public one
}

/** 127.0.0.0/8 or ::1 (in any spelling of ::1) — not the IPv4-embedded IPv6 forms of 127.0.0.1. */
export function isLoopbackAddress(ip: string): boolean {
  if (isIP(ip) === 4) return loopbackV4.check(ip, 'ipv4');
  return isIP(ip) === 6 && new URL(`http://[${ip}]/`).hostname === '[::1]';
}

export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host).toLowerCase();
  return h === 'localhost' || isLoopbackAddress(h);
}

/** Why a URL may not be used as a webhook destination under `policy`, or null when it may. */
export function urlProblem(raw: string, policy: DestinationPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  if (url.hash) return 'a fragment (#…) is not allowed';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  const host = stripBrackets(url.hostname).toLowerCase();
  if (isLoopbackHost(host)) return policy.loopback ? null : 'loopback addresses are not allowed';
  if (url.protocol === 'http:') return 'must use https (plain http only to loopback, where allowed)';
  if (PRIVATE_NAME_SUFFIXES.some((s) => host.endsWith(s))) return 'private host names are not allowed';
  if (isIP(host)) return isPrivateAddress(host) ? 'private, loopback, link-local and IPv4-embedded addresses are not allowed' : null;
  if (!host.includes('.')) return 'a fully qualified host name is required';
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type Resolver = (hostname: string, options: { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/** Whether a resolved address may be connected to under `policy`. */
export function addressAllowed(address: string, policy: DestinationPolicy): boolean {
  if (policy.loopback && isLoopbackAddress(address)) return true;
  return !isPrivateAddress(address);
}

/**
 * dns.lookup for undici's connector that drops every address the policy refuses, before any connection is
 * opened. `resolve` is replaceable so tests can prove refusal with a stub instead of a real private address.
 */
export function guardedLookup(policy: DestinationPolicy, resolve: Resolver = systemResolver) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const allowed = addresses.filter((a) => addressAllowed(a.address, policy));
      if (allowed.length === 0) return callback(Object.assign(new Error(`destination ${hostname} resolves only to addresses that are not allowed`), { code: 'EDESTINATION' }), []);
      if ((options as { all?: boolean }).all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
