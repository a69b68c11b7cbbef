/**
 * The `kind` network as kind makes it (pkg/cluster/internal/providers/docker/network.go): a
 * bridge with masquerade and MTU options, IPv6 on a ULA derived from the name, IPv4 only when
 * the kernel refuses IPv6, and "already exists" taken as done.
 */
import { createHash } from 'node:crypto';
import { labLabel } from '../images.ts';
import { labInstance } from '../lab-paths.ts';
import { tryDocker } from '../require-docker.ts';

/** A failure reported in kind's words (the stand-in prints it as kind does and exits 1). */
export class KindError extends Error {}

/** kind's ULA for a network: fc00: + bytes 2..7 of sha1(name ‖ attempt as int32 LE). */
export function ulaSubnetFor(name: string, attempt = 0): string {
  const attemptBytes = Buffer.alloc(4);
  attemptBytes.writeInt32LE(attempt);
  const hash = createHash('sha1')
    .update(Buffer.concat([Buffer.from(name), attemptBytes]))
    .digest();
  const groups = [0xfc00, hash.readUInt16BE(2), hash.readUInt16BE(4), hash.readUInt16BE(6)];
  return `${groups.map((g) => g.toString(16)).join(':')}::/64`;
}

export function ensureNetwork(name: string): void {
  if (tryDocker(['network', 'inspect', name]).status === 0) return;
  const base = [
    'network',
    'create',
    '-d=bridge',
    '-o',
    'com.docker.network.bridge.enable_ip_masquerade=true',
    '-o',
    'com.docker.network.driver.mtu=1500',
    '--label',
    `${labLabel}=${labInstance()}`,
  ];
  const withIpv6 = tryDocker([...base, '--ipv6', '--subnet', ulaSubnetFor(name), name]);
  if (withIpv6.status === 0) return;
  // Another kind made it meanwhile (two clusters created at once): kind treats "already exists" as done.
  if (tryDocker(['network', 'inspect', name]).status === 0) return;
  // kind falls back to IPv4 only when the kernel has IPv6 disabled.
  const ipv4 = tryDocker([...base, name]);
  if (ipv4.status !== 0) {
    throw new KindError(
      'failed to ensure docker network: ' +
        'command "docker network create -d=bridge -o ' +
        'com.docker.network.bridge.enable_ip_masquerade=true -o com.docker.network.driver.mtu=1500 ' +
        `--ipv6 --subnet ${ulaSubnetFor(name)} ${name}" failed with error: ` +
        `exit status 1\nCommand Output: ${withIpv6.stderr.trim()}`,
    );
  }
}
