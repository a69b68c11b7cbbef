import type Docker from 'dockerode';
import {
  KindscopeError,
  probePort,
  type ClusterStatus,
  type ConnectivityHop,
  type HostContext,
  type MacNetConnectState,
} from '../../contract';
import type { RouteReader, HostRoute } from './connectivity-routes';
import { routeForSubnet } from './connectivity-routes';
import { describeMacState, isTooOld } from './connectivity-mac';
import { cidrContains } from '../net/cidr';
import { judgeAnswer, probeHttp, probeIcmp, probeTcp, type IcmpResult } from './probe';

/** What Docker alone says about a cluster: its nodes' IPs and the subnets of their networks. */
export interface ClusterNetworkFacts {
  nodes: { name: string; ip: string; network: string; mac?: string }[];
  /** `bridge`: the Linux bridge Docker made for the network (`br-<id12>`, or its configured name). */
  subnets: { network: string; subnet: string; bridge?: string }[];
}

/** Reads the cluster from Docker (kind's labels), not from its API: works when the API is unreachable. */
export async function clusterNetworkFacts(docker: Docker, cluster: string): Promise<ClusterNetworkFacts> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`io.x-k8s.kind.cluster=${cluster}`] },
  });
  if (containers.length === 0)
    throw new KindscopeError(
      'CLUSTER_NOT_FOUND',
      `No kind cluster "${cluster}" on this Docker engine`,
      'List clusters with `kind get clusters` and pass one with --cluster.',
    );
  const nodes = containers
    .flatMap((c) =>
      Object.entries(c.NetworkSettings?.Networks ?? {}).map(([network, settings]) => ({
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        ip: settings.IPAddress,
        network,
        ...(settings.MacAddress ? { mac: settings.MacAddress } : {}),
      })),
    )
    .filter((n) => n.ip)
    .sort((a, b) => a.name.localeCompare(b.name));
  const subnets: ClusterNetworkFacts['subnets'] = [];
  for (const network of [...new Set(nodes.map((n) => n.network))]) {
    const inspected = (await docker.getNetwork(network).inspect()) as {
      Id?: string;
      Driver?: string;
      Options?: Record<string, string>;
      IPAM?: { Config?: { Subnet?: string }[] };
    };
    const bridge =
      inspected.Driver === 'bridge'
        ? (inspected.Options?.['com.docker.network.bridge.name'] ??
          (network === 'bridge' ? 'docker0' : `br-${(inspected.Id ?? '').slice(0, 12)}`))
        : undefined;
    for (const config of inspected.IPAM?.Config ?? [])
      if (config.Subnet && !config.Subnet.includes(':'))
        subnets.push({ network, subnet: config.Subnet, ...(bridge ? { bridge } : {}) });
  }
  return { nodes, subnets };
}

export interface HopProbes {
  icmp(ip: string): Promise<IcmpResult>;
  tcp(ip: string, port: number): Promise<{ ok: boolean; ms: number; error?: string }>;
  http(ip: string, port: number): Promise<{ ok: boolean; status?: number; body?: string; error?: string }>;
}

// Two echoes 0.2 s apart: one lost packet is no verdict, and the check stays quick.
export const realHopProbes: HopProbes = {
  icmp: (ip) => probeIcmp(ip, 2, 0.2),
  tcp: (ip, port) => probeTcp(ip, port),
  http: (ip, port) => probeHttp(ip, port),
};

export interface HopInputs {
  cluster: string;
  host: HostContext;
  facts: ClusterNetworkFacts;
  routes: RouteReader;
  probes: HopProbes;
  /** The cluster's LoadBalancer services, or why they are unknown (API unreachable). */
  status: ClusterStatus | { error: string };
  mac?: MacNetConnectState;
}

const inspectHint = (ip: string) =>
  `Inspect what drops it: \`sudo iptables -L DOCKER-USER -n -v\` ` +
  `(rules there run before Docker's own), \`ip route get ${ip}\` and \`ip rule show\` ` +
  '(a VPN capturing the range installs its own rule or a wider route).';

function routeDetail(route: HostRoute): string {
  return `${route.cidr} dev ${route.dev}${route.gateway && route.gateway !== route.dev ? ` via ${route.gateway}` : ''}`;
}

/** One hop per Docker subnet: the route that carries it, judged for this platform and runtime. */
async function routeHops(input: HopInputs): Promise<ConnectivityHop[]> {
  const { routes: table, command } = await input.routes.table();
  const darwin = input.host.platform === 'darwin';
  const hops: ConnectivityHop[] = [];
  for (const { network, subnet, bridge } of input.facts.subnets) {
    const hop = `host route to ${subnet} (Docker network ${network})`;
    const route = routeForSubnet(table, subnet);
    const probeIp = input.facts.nodes.find((n) => n.network === network)?.ip;
    const noRouteFix =
      darwin && input.host.runtime === 'docker-desktop'
        ? 'Docker Desktop keeps container networks inside its VM: install and start docker-mac-net-connect (`kindscope connectivity --cluster ' +
          input.cluster +
          ' --fix`), which adds a utun tunnel and a route per Docker network.'
        : darwin
          ? 'Route the subnet to the engine VM (see the plan note).'
          : 'With a local engine the bridge route appears with the network; ' +
            'is this the machine that runs the engine (`docker context ls`), ' +
            "and is this shell in the host's network namespace?";
    if (!route || route.blocks || route.cidr === '0.0.0.0/0') {
      const why = !route
        ? `no route in \`${command}\` contains ${subnet}`
        : route.blocks
          ? `${subnet} matches a blocking route (${route.raw})`
          : `only the default route (${routeDetail(route)}) contains ${subnet}: packets to the containers go to the LAN gateway`;
      hops.push({ hop, target: subnet, ok: false, detail: `No route: ${why}.`, fix: noRouteFix });
      continue;
    }
    if (!darwin && input.host.runtime === 'native' && bridge && route.dev !== bridge) {
      hops.push({
        hop,
        target: subnet,
        ok: false,
        detail:
          `${subnet} goes to ${routeDetail(route)}, not to the network's bridge ${bridge}: ` +
          'another route (a VPN capturing the range?) wins the longest prefix match in ' +
          `\`${command}\`.`,
        fix: inspectHint(probeIp ?? subnet.split('/')[0]!),
      });
      continue;
    }
    if (!darwin) {
      hops.push({
        hop,
        target: subnet,
        ok: true,
        detail:
          `${routeDetail(route)} — longest prefix match in ` +
          `\`${command}\`${route.dev.startsWith('br-') || route.dev === 'docker0' ? ': the Docker bridge' : ''}.`,
      });
      continue;
    }
    // macOS: cross-check with the kernel's own answer for a node IP (`route -n get`).
    const owner = probeIp ? await input.routes.interfaceFor(probeIp) : undefined;
    const ownerText = owner ? `; \`route -n get ${probeIp}\` names ${owner}` : '';
    if (/^utun\d+$/.test(route.dev) && !route.tunnel) {
      hops.push({
        hop,
        target: subnet,
        ok: false,
        detail:
          `${subnet} goes to ${route.dev} by the wider route ${route.cidr} — ` +
          `a VPN's tunnel, not docker-mac-net-connect's ` +
          `(its routes are exactly the Docker subnet)${ownerText}.`,
        fix: 'Exclude the Docker subnets from the VPN (split tunnelling), or disconnect it, then start docker-mac-net-connect.',
      });
    } else if (owner && owner !== route.dev) {
      hops.push({
        hop,
        target: subnet,
        ok: false,
        detail: `\`netstat\` shows ${routeDetail(route)}, but \`route -n get ${probeIp}\` names ${owner}: another route (a VPN's) wins for the node addresses.`,
        fix: 'Exclude the Docker subnets from the VPN, or disconnect it.',
      });
    } else if (route.tunnel) {
      hops.push({
        hop,
        target: subnet,
        ok: true,
        detail: `${routeDetail(route)} — docker-mac-net-connect's tunnel route${ownerText}.`,
      });
    } else {
      hops.push({
        hop,
        target: subnet,
        ok: true,
        detail: `${routeDetail(route)} — longest prefix match in \`${command}\`${ownerText}.`,
      });
    }
  }
  return hops;
}

function macHop(input: HopInputs): ConnectivityHop[] {
  const { mac, host } = input;
  if (host.platform !== 'darwin' || host.runtime !== 'docker-desktop' || !mac) return [];
  const hop = 'docker-mac-net-connect';
  if (!mac.brew)
    return [
      {
        hop,
        ok: false,
        detail: mac.brewProblem ?? 'Homebrew not found.',
        fix: 'Install Homebrew from https://brew.sh.',
      },
    ];
  if (!mac.installedVersion)
    return [
      {
        hop,
        ok: false,
        detail: `Not installed (Homebrew at ${mac.brew.prefix}).`,
        fix: `kindscope connectivity --cluster ${input.cluster} --fix`,
      },
    ];
  if (isTooOld(mac)) {
    return [
      {
        hop,
        ok: false,
        detail:
          `${mac.installedVersion} is installed, ` +
          `but Docker Desktop ${host.runtimeVersion ?? '4.52 or later'} needs ${mac.requiredVersion} ` +
          'or later (chipmk/docker-mac-net-connect#63).',
        fix: `brew upgrade ${'chipmk/tap/docker-mac-net-connect'} and restart its service: kindscope connectivity --cluster ${input.cluster} --fix`,
      },
    ];
  }
  if (!mac.dockerSocket)
    return [
      {
        hop,
        ok: false,
        detail: `${describeMacState(mac)}, but /var/run/docker.sock does not exist, and the tool needs it.`,
        fix: 'Docker Desktop → Settings → Advanced: "Allow the default Docker socket to be used".',
      },
    ];
  if (!mac.serviceRunning)
    return [
      {
        hop,
        ok: false,
        detail: `${describeMacState(mac)}.`,
        fix: `kindscope connectivity --cluster ${input.cluster} --fix (starts it as root through the administrator prompt)`,
      },
    ];
  return [{ hop, ok: true, detail: `${describeMacState(mac)}.` }];
}

/** The hops from this machine to the cluster, in path order: the tunnel (macOS), routes, nodes, LoadBalancer IPs. */
export async function connectivityHops(input: HopInputs): Promise<ConnectivityHop[]> {
  const hops: ConnectivityHop[] = [
    {
      hop: 'runtime',
      ok: true,
      detail:
        `${input.host.runtime}${input.host.runtimeVersion ? ` ${input.host.runtimeVersion}` : ''} ` +
        `on ${input.host.platform} (${input.host.source === 'environment' ? 'set by KINDSCOPE_PLATFORM/KINDSCOPE_RUNTIME' : "the engine's own info"}).`,
    },
  ];
  hops.push(...macHop(input));
  const routes = await routeHops(input);
  hops.push(...routes);
  const routedNetworks = new Set(input.facts.subnets.filter((_, i) => routes[i]?.ok).map((s) => s.network));
  const tunnelled = input.host.platform === 'darwin' && input.host.runtime === 'docker-desktop';
  // The probes run side by side (a ping waits up to 2 s for a node that does not answer); the hops keep path order.
  const nodeHops = await Promise.all(
    input.facts.nodes.map(async (node): Promise<ConnectivityHop> => {
      const icmp = await input.probes.icmp(node.ip);
      const hop = `ping ${node.name} (${node.ip})`;
      const target = node.ip;
      if (icmp.received > 0)
        return {
          hop,
          target,
          ok: true,
          detail:
            `${icmp.received} of ${icmp.sent} ` +
            `replies${icmp.rttMs.length ? `, ${(icmp.rttMs.reduce((a, b) => a + b, 0) / icmp.rttMs.length).toFixed(2)} ms on average` : ''}.`,
        };
      if (!routedNetworks.has(node.network))
        return {
          hop,
          target,
          ok: false,
          detail: `No reply (${icmp.sent} sent): there is no route to ${node.network}'s subnet (see the route hop).`,
        };
      if (tunnelled)
        return {
          hop,
          target,
          ok: false,
          detail:
            `The route goes into docker-mac-net-connect's utun, but no reply came (${icmp.sent} sent): ` +
            'the tunnel is down — after a Docker Desktop upgrade, or Resource Saver stopped the VM.',
          fix: `Restart the service: kindscope connectivity --cluster ${input.cluster} --fix`,
        };
      return {
        hop,
        target,
        ok: false,
        detail: `The route is fine but no reply came (${icmp.sent} sent${icmp.error ? `: ${icmp.error}` : ''}).`,
        fix: inspectHint(node.ip),
      };
    }),
  );
  hops.push(...nodeHops);
  hops.push(...(await loadBalancerHops(input, routedNetworks)));
  return hops;
}

async function loadBalancerHops(input: HopInputs, routedNetworks: Set<string>): Promise<ConnectivityHop[]> {
  if ('error' in input.status)
    return [
      {
        hop: 'LoadBalancer IPs',
        ok: false,
        detail: `Not known: the cluster's API did not answer (${input.status.error}); the hops above come from Docker and this machine alone.`,
      },
    ];
  const targets = input.status.services.flatMap((service) =>
    service.externalIPs.map((ip) => ({ service, ip, port: probePort(service) })),
  );
  return Promise.all(
    targets.map(async ({ service, ip, port }): Promise<ConnectivityHop> => {
      const hop = `TCP ${service.namespace}/${service.name} ${ip}:${port}`;
      // The path first (probe.ts's rule): nothing is sent to an IP this machine would reach by another route.
      const network = input.facts.subnets.find((s) => cidrContains(s.subnet, ip));
      if (!network)
        return {
          hop,
          target: ip,
          ok: false,
          detail:
            `Not probed: ${ip} is outside the cluster's Docker networks ` +
            `(${input.facts.subnets.map((s) => s.subnet).join(', ') || 'none'}), ` +
            'so a request would leave by another route and ARP from this machine can never reach the ' +
            'cluster for it.',
          fix: `Give the pool a block inside the cluster's Docker network: \`kindscope fix --cluster ${input.cluster}\` carves one.`,
        };
      if (!routedNetworks.has(network.network))
        return {
          hop,
          target: ip,
          ok: false,
          detail: `Not probed: the route to ${network.subnet} (${network.network}) fails (see the route hop).`,
        };
      // VIPs do not answer ICMP (cilium/cilium#14118): a TCP connect, then HTTP, prove the LoadBalancer IP.
      const tcp = await input.probes.tcp(ip, port);
      if (!tcp.ok)
        return {
          hop,
          target: ip,
          ok: false,
          detail: `TCP connect failed (${tcp.error ?? 'no answer'}); a LoadBalancer IP does not answer ping (cilium/cilium#14118).`,
          fix:
            input.host.platform === 'linux'
              ? inspectHint(ip)
              : `Check the route hops above, then \`kindscope capture --cluster ${input.cluster} --service ` +
                `${service.namespace}/${service.name}\` to see who answers ARP.`,
        };
      const http = await input.probes.http(ip, port);
      // The sample app must answer with its marker; a user's service is reported, not judged.
      const answer = judgeAnswer({ ms: 0, ...http }, service.sampleToken);
      const ok = answer.state === 'marker' || answer.state === 'reported';
      return {
        hop,
        target: ip,
        ok,
        detail:
          `TCP connect in ${tcp.ms} ms; HTTP ` +
          (`${http.status ?? http.error ?? 'no answer'}` +
            `${answer.state === 'marker' ? ` with the sample's marker (pod ${answer.pod})` : ok ? '' : `: ${answer.detail}`}.`),
        ...(ok
          ? {}
          : {
              fix: `Something other than the sample app answers ${ip}: \`kindscope check --cluster ${input.cluster}\` explains who.`,
            }),
      };
    }),
  );
}
