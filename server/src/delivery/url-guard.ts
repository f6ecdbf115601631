import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

/**
 * SSRF guard for merchant-supplied webhook URLs. Outside development/test only https URLs to public
 * addresses are allowed; in development/test plain http is allowed to loopback so local receivers work.
 * The check runs twice: on the URL when an endpoint is saved, and on every resolved address when a
 * delivery connects (so a hostname that later resolves to 10.0.0.1 — DNS rebinding — is refused too).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96]] as const) blocked.addSubnet(net, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export type GuardMode = 'strict' | 'dev';

/** development/test may target loopback over http; production is strict unless loopback is allowed explicitly. */
export const guardModeFor = (env: string, allowLoopback = false): GuardMode => (env === 'production' && !allowLoopback ? 'strict' : 'dev');

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged by its IPv4 address. */
function normaliseIp(ip: string): { ip: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return { ip: mapped[1]!, family: 'ipv4' };
  return { ip, family: isIP(ip) === 6 ? 'ipv6' : 'ipv4' };
}

export function isPrivateAddress(ip: string): boolean {
  const n = normaliseIp(ip);
  return blocked.check(n.ip, n.family);
}

export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host).toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (!isIP(h)) return false;
  const n = normaliseIp(h);
  return loopback.check(n.ip, n.family);
}

/** Why a URL may not be used as a webhook destination, or null when it may. */
export function urlProblem(raw: string, mode: GuardMode): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  if (url.hash) return 'a fragment (#…) is not allowed';
  const host = stripBrackets(url.hostname).toLowerCase();
  if (url.protocol === 'http:') return mode === 'dev' && isLoopbackHost(host) ? null : 'must use https (http only to loopback in development/test)';
  if (url.protocol !== 'https:') return 'must use https';
  if (mode === 'dev') return null;
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return 'private host names are not allowed';
  if (isIP(host) && isPrivateAddress(host)) return 'private, loopback and link-local addresses are not allowed';
  if (!isIP(host) && !host.includes('.')) return 'a fully qualified host name is required';
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup for undici's connector that refuses private addresses in strict mode. */
export function guardedLookup(mode: GuardMode) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const allowed = mode === 'dev' ? list : list.filter((a) => !isPrivateAddress(a.address));
      if (allowed.length === 0) return callback(Object.assign(new Error(`destination ${hostname} resolves only to private addresses`), { code: 'EDESTINATION' }), []);
      if ((options as { all?: boolean }).all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
