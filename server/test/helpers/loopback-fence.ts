import dns from 'node:dns';
import net from 'node:net';

const isLoopback = (address: string) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '::1';

type LookupFn = (hostname: string, options: object, callback: (err: Error | null, address: string | dns.LookupAddress[], family?: number) => void) => void;

/**
 * Refuses, before any connection is opened, every TCP connection this process tries to make to an address that is
 * not loopback, and records it. IP literals are judged at once; for a host name the lookup the connection uses
 * (the code under test's own guarded lookup, or the system's) is wrapped and its answer judged. SSRF tests prove
 * refusal with stub resolvers and must never reach a private or public address even if the code under test is
 * broken.
 */
export function installLoopbackFence(): { attempts: string[]; uninstall(): void } {
  const original = net.Socket.prototype.connect;
  const attempts: string[] = [];
  const refuse = (address: string) => {
    attempts.push(address);
    return Object.assign(new Error(`loopback fence: refused a connection to ${address}`), { code: 'EFENCE' });
  };
  const fencedLookup =
    (inner: LookupFn): LookupFn =>
    (hostname, options, callback) =>
      inner(hostname, options, (err, address, family) => {
        if (err) return callback(err, address, family);
        const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
        const outside = list.find((a) => !isLoopback(a));
        if (outside) return callback(refuse(outside), [], undefined);
        callback(null, address, family);
      });
  net.Socket.prototype.connect = function fencedConnect(this: net.Socket, ...args: unknown[]) {
    const list = (Array.isArray(args[0]) ? args[0] : args) as unknown[];
    const options = list[0];
    if (typeof options === 'object' && options !== null && !(options as { path?: string }).path) {
      const o = options as { host?: string; lookup?: LookupFn };
      const host = o.host ?? 'localhost';
      if (net.isIP(host)) {
        if (!isLoopback(host)) throw refuse(host);
      } else {
        o.lookup = fencedLookup(o.lookup ?? (dns.lookup as unknown as LookupFn));
      }
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return { attempts, uninstall: () => void (net.Socket.prototype.connect = original) };
}
