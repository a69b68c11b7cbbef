/**
 * The router beside a BGP lab (`<cluster>-router`): FRR's zebra and bgpd, as Cilium's own BGP
 * lab runs it (cilium/cilium `contrib/containerlab/bgpv2`), configured by Kindscope:
 * - the nodes are dynamic neighbours from the kind subnet (`bgp listen range`), so a node that
 *   joins peers without a change here, and the router's `remote-as` is the nodes' ASN: a node
 *   with another ASN is refused with a NOTIFICATION (Bad Peer AS) that names the one expected;
 * - ECMP across them (`maximum-paths`), the routes installed in its own FIB by zebra, forwarding on;
 * - on the pool's Docker network it answers ARP for the addresses it has a route to elsewhere
 *   (proxy ARP, `net.ipv4.conf.all.proxy_arp=1`: the kernel answers for a target whose route
 *   leaves by another interface), so this machine reaches the pool through it.
 */
import type { LabPlan } from '../../../contract';
import { bgpOf, routerName } from './render-bgp';

/** The label on the router and the pool's network: the cluster they belong to. */
export const routerLabel = 'io.kindscope.router';

/**
 * As narrow as FRR runs with: NET_ADMIN (routes, addresses), NET_RAW (raw sockets), and
 * SYS_ADMIN, which Debian's and FRR's own builds ask for at start (network namespaces;
 * FRRouting/frr#8681). `--privileged` is never used (the lab's engine refuses it: "unable to
 * apply caps").
 */
export const routerCapabilities = ['NET_ADMIN', 'NET_RAW', 'SYS_ADMIN'] as const;

/** Namespaced sysctls Docker sets at creation: forwarding, and proxy ARP on every interface. */
export const routerSysctls = ['net.ipv4.ip_forward=1', 'net.ipv4.conf.all.proxy_arp=1'] as const;

/** The BGP peer group of the nodes in the router's configuration. */
export const nodesPeerGroup = 'NODES';

/** The router's files (`/etc/frr/frr.conf`, `daemons`, `vtysh.conf`), the listen range being the kind subnet. */
export function renderRouterFiles(plan: LabPlan, kindSubnet: string): Record<string, string> {
  const bgp = bgpOf(plan);
  const frr = [
    'frr defaults traditional',
    `hostname ${routerName(plan)}`,
    'log stdout informational',
    // Zebra installs what bgpd chose; the kernel forwards (the sysctl at creation, said again here).
    'ip forwarding',
    '!',
    `router bgp ${bgp.routerASN}`,
    // FRR refuses eBGP routes without a policy by default (RFC 8212); the lab takes the nodes' routes as they come.
    ' no bgp ebgp-requires-policy',
    ' bgp log-neighbor-changes',
    ` neighbor ${nodesPeerGroup} peer-group`,
    ` neighbor ${nodesPeerGroup} remote-as ${bgp.localASN}`,
    ` neighbor ${nodesPeerGroup} timers ${bgp.keepAliveTimeSeconds} ${bgp.holdTimeSeconds}`,
    ` neighbor ${nodesPeerGroup} timers connect ${bgp.connectRetryTimeSeconds}`,
    ` bgp listen range ${kindSubnet} peer-group ${nodesPeerGroup}`,
    ' !',
    ' address-family ipv4 unicast',
    `  neighbor ${nodesPeerGroup} activate`,
    // One next hop per advertising node: equal paths from one AS.
    '  maximum-paths 16',
    ' exit-address-family',
    '!',
    '',
  ].join('\n');
  // The image's start script reads which daemons to run here (FRR's docs, "daemons" file).
  const daemons = [
    'zebra=yes',
    'bgpd=yes',
    'staticd=no',
    'vtysh_enable=yes',
    'zebra_options=" -A 127.0.0.1 -s 90000000"',
    'bgpd_options="   -A 127.0.0.1"',
    '',
  ].join('\n');
  return {
    'router-frr.conf': frr,
    'router-daemons': daemons,
    // One configuration file for all daemons, read by `vtysh -b` at start.
    'router-vtysh.conf': 'service integrated-vtysh-config\n',
  };
}
