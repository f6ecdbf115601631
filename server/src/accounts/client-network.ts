import ipaddr from 'ipaddr.js';

/**
 * The network a client address stands for in the login limits: an IPv4 address itself, and for IPv6 its /64
 * (one subscriber or host usually holds a whole /64, so counting single IPv6 addresses would give one
 * attacker 2^64 fresh allowances). IPv4-mapped IPv6 addresses count as the IPv4 address.
 */
export function networkOf(ip: string | undefined | null): string {
  if (!ip) return 'unknown';
  try {
    const addr = ipaddr.process(ip);
    if (addr.kind() === 'ipv4') return addr.toString();
    return `${ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/64`).toString()}/64`;
  } catch {
    // Not an address (a misconfigured proxy header): still one bucket of its own, never a shared one.
    return ip.slice(0, 64);
  }
}
