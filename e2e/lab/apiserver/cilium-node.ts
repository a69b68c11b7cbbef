import { spawnSync } from 'node:child_process';
import type { KubeObject as Obj } from './kube-object.ts';
import { now, shortHash } from './controller-objects.ts';
import { stopMatching } from './bgp-speaker.ts';

/**
 * What the simulated Cilium agent does on a node (cilium-sim.ts decides when): take a VIP
 * and announce it, withdraw it, run a fixed script in the node container; and the objects
 * and small values it reports (a crash-looping agent's status, cilium_host's address).
 */

/**
 * The holder takes the VIP: on `lo` (Cilium answers ARP from BPF without the address on
 * eth0), httpd on the service port, and ICMP to the VIP dropped — Cilium's datapath
 * answers only the service's ports, so `ping VIP` gets nothing (cilium/cilium#14118). The
 * drop is an `ip rule` blackhole for `to VIP ipproto 1` (ICMP; numeric, the image has no /etc/protocols): per address and protocol, with
 * the real iproute2 already in the node image (no iptables binaries and their extension
 * modules to ship), leaving ping to the node's own addresses alone. It must sit before
 * the local table's rule, so that rule moves from priority 0 to 100 — as Cilium itself
 * moves it. The takeover is announced with a gratuitous ARP *reply* (opcode 2), as
 * Cilium's L2 announcer sends (cilium/cilium#25933): busybox `arping -A`.
 */
export function announceScript(
  vip: string,
  port: string,
  svc: string,
  backend: string,
  page: string,
  arp = true,
): string {
  // busybox httpd answers `/` with index.html (200), or 404 when there is none: a pod whose
  // server returns another code than 200 gets no index.html, so a 404 is served as the real one would.
  const [code, ...rest] = Buffer.from(page, 'base64').toString('utf8').split(' ');
  const body = rest.join(' ');
  const www = `/www/${svc}`;
  const index = !page
    ? `echo "Hello from ${backend}" > ${www}/index.html`
    : code === '200'
      ? `printf '%s' '${Buffer.from(body).toString('base64')}' | busybox base64 -d > ${www}/index.html # served by ${backend}`
      : `: no index.html: ${backend} answers ${code}`;
  return [
    `ip addr replace ${vip}/32 dev lo`,
    'ip rule show pref 100 | grep -q "lookup local" || { ip rule add pref 100 lookup local && ip rule del pref 0 lookup local; }',
    `ip rule del pref 10 to ${vip} ipproto 1 blackhole 2>/dev/null; ip rule add pref 10 to ${vip} ipproto 1 blackhole`,
    // A served page replaces the last one (a 404 must not find an older index.html); the lab's own page as before.
    page ? `rm -rf ${www}; mkdir -p ${www}` : `mkdir -p ${www}`,
    index,
    `${stopMatching(`httpd -p ${vip}:${port}`)}; httpd -p ${vip}:${port} -h /www/${svc}`,
    // L2 only: in BGP mode the router learns the VIP from the session, nobody announces it on the bridge.
    ...(arp ? [`arping -A -c 1 -I eth0 -s ${vip} ${vip} >/dev/null 2>&1 || true`] : []),
  ].join('\n');
}

export function withdraw(node: string, vip: string, port: string, keepAddress = false): void {
  // keepAddress: another service sharing the VIP (a sharing key) still answers from this node.
  dockerExec(
    node,
    (keepAddress
      ? ''
      : `ip addr del ${vip}/32 dev lo 2>/dev/null; ip rule del pref 10 to ${vip} ipproto 1 blackhole 2>/dev/null; `) +
      `${stopMatching(`httpd -p ${vip}:${port}`)}; true`,
  );
}

export function dockerOk(args: string[]): string {
  return spawnSync('docker', args, { encoding: 'utf8' }).stdout ?? '';
}

/** Runs a fixed script (values computed here, never user text) in a node container. */
export function dockerExec(node: string, script: string): boolean {
  const result = spawnSync('docker', ['exec', node, 'sh', '-c', script], { encoding: 'utf8', timeout: 15_000 });
  return result.status === 0;
}

export const microTime = () => new Date().toISOString().replace('Z', '000Z');
export const seconds = (text: string) => Number(/^(\d+)/.exec(text)?.[1] ?? 15) * (text.endsWith('m') ? 60 : 1);
export const internalIp = (node: Obj) =>
  node.status.addresses.find((a: Obj) => a.type === 'InternalIP' && !a.address.includes(':'))?.address as string;

export const cidrIndex = (cidr: string) => Number(String(cidr).split('.')[2] ?? 0);

/** What the kubelet reports for an agent that exits at start: CrashLoopBackOff, the fatal log line as the last termination message. */
export function crashLoopStatus(status: Obj, error: string): Obj {
  const t = now();
  return {
    ...status,
    conditions: (status.conditions as Obj[]).map((c) =>
      c.type === 'Ready' || c.type === 'ContainersReady'
        ? {
            ...c,
            status: 'False',
            reason: 'ContainersNotReady',
            message: 'containers with unready status: [cilium-agent]',
          }
        : c,
    ),
    containerStatuses: (status.containerStatuses as Obj[]).map((c) => ({
      ...c,
      ready: false,
      started: false,
      restartCount: 5,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 2m40s restarting failed container=cilium-agent pod=${c.name}`,
        },
      },
      lastState: {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          message: `level=fatal msg="failed to start: daemon creation failed: ${error}" subsys=daemon`,
          startedAt: t,
          finishedAt: t,
        },
      },
    })),
  };
}

/** A stable "random" cilium_host address in the node's Cilium pod CIDR, like 10.244.1.174. */
export function ciliumHostIp(node: Obj, podCidr: string = node.spec.podCIDR): string {
  const [a, b, c] = String(podCidr).split('.');
  return `${a}.${b}.${c}.${100 + (parseInt(shortHash(node.metadata.name), 16) % 150)}`;
}
