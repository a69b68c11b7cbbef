import ipaddr from 'ipaddr.js';

/**
 * The one loopback rule of serve mode, for the exposure warning and the Host check alike:
 * `localhost`, every address of 127.0.0.0/8 (Linux answers on all of them), `::1` and
 * the IPv4-mapped form of 127/8. ipaddr.js knows the ranges (RFC 6890), so no regex here.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (!ipaddr.isValid(bare)) return false;
  const address = ipaddr.process(bare);
  return address.range() === 'loopback';
}

/** Splits a Host header into its name and port (`[::1]:7420`, `127.0.0.2:7420`). */
export function parseHostHeader(header: string): { name: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(header);
  return match ? { name: match[1]!, port: Number(match[2]) } : undefined;
}

/**
 * On a loopback bind, `Host` must be a loopback name with our port: a page on another
 * site that rebinds its DNS name to 127.0.0.x is refused (421). On another interface the
 * name a user types is not known in advance, and the token decides.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!hostHeader) return false;
  if (!isLoopbackHost(boundHost)) return true;
  const parsed = parseHostHeader(hostHeader);
  return parsed !== undefined && isLoopbackHost(parsed.name) && parsed.port === port;
}

/** What `serve` prints when it binds anything but the default 127.0.0.1 (undefined: nothing). */
export function exposureWarning(host: string): string | undefined {
  if (host === '127.0.0.1') return undefined;
  if (isLoopbackHost(host)) {
    return (
      `Binding ${host}: a loopback address, so other machines cannot connect, ` +
      'but every program and user on this one can. ' +
      'Anyone with the token controls your Docker engine and clusters. ' +
      'Prefer the default --host 127.0.0.1.'
    );
  }
  return (
    `Binding ${host}: Kindscope can be reached from other machines. ` +
    'Anyone with the token controls your Docker engine and clusters. ' +
    'Prefer --host 127.0.0.1 with an SSH tunnel.'
  );
}
