import { type AnsweredBy, type Finding, type HostContext, type HttpProbe, type Proof } from '../../contract';
import { cidrContains } from '../net/cidr';
import { routeForSubnet, type HostRoute } from './connectivity-routes';
import { probeHttp } from './probe-reads';
import {
  answeredByOf,
  macOwner,
  measure,
  sameMac,
  type NeighbourEntry,
  type NeighbourRefresh,
  type NeighbourTable,
} from './probe-neighbour';

/**
 * The one probe module: every measurement Kindscope makes from this machine of a node or a
 * LoadBalancer IP — HTTP, TCP, ICMP, this machine's neighbour (ARP) entry — and the two rules
 * that turn a neighbour entry into "who answered": which states count as a measurement, and
 * which node owns a MAC. `check`, `ping`, `connectivity`, the failover drill and the
 * pipeline's verify all measure through here, so they cannot disagree about who answered.
 */

// Its parts, each a file of its own (HTTP/TCP/ICMP; the neighbour entry and the two rules); imported from here.
export * from './probe-reads';
export * from './probe-neighbour';

// ---------------------------------------------------------------------------------------------
// The proof: path, who answered ARP, what answered
// ---------------------------------------------------------------------------------------------

/** Whether this machine's route to an IP goes over the cluster's Docker network by the runtime's own path. */
export interface PathVerdict {
  ok: boolean;
  detail: string;
  fix?: string;
}

/** A Docker network of the cluster: its IPv4 subnet and, for a local bridge network, the bridge's name. */
export interface ClusterNetwork {
  network: string;
  subnet: string;
  bridge?: string;
}

/** What the proof needs of this machine and the engine; `ask` is absent where no helper can ask ARP afresh. */
export interface ProofDeps {
  table: NeighbourTable;
  path(cluster: string, ip: string): Promise<PathVerdict>;
  /**
   * The cluster's node containers and their MACs as Docker says now — the MAC-owner rule's
   * list, joined with the status's (which may not carry a MAC before the topology is read).
   */
  nodes?(cluster: string): Promise<{ name: string; mac?: string }[]>;
  /** An ARP request for the IP from a throwaway container on the cluster's network: the MAC that answered. */
  ask?(cluster: string, ip: string): Promise<string | undefined>;
}

/**
 * The path condition, judged from the cluster's Docker networks and this machine's routing
 * table, before anything is sent: the IP must lie in one of the cluster's networks, and the
 * route that carries it must be the runtime's own way there — the network's bridge with a
 * local Linux engine; docker-mac-net-connect's utun route (exactly the Docker subnet) with
 * Docker Desktop on macOS; with OrbStack and the other VMs, a route of its own that is
 * neither the default route nor a blocking one. Anything else would send the probe out by
 * the default route (or a VPN's), where whatever answers is not the cluster.
 */
export function judgePath(
  ip: string,
  networks: readonly ClusterNetwork[],
  routes: readonly HostRoute[],
  command: string,
  host: Pick<HostContext, 'platform' | 'runtime'>,
): PathVerdict {
  const network = networks.find((n) => cidrContains(n.subnet, ip));
  const subnets = networks.map((n) => `${n.subnet} (${n.network})`).join(', ') || 'none';
  if (!network)
    return {
      ok: false,
      detail:
        `${ip} is outside the cluster's Docker networks (${subnets}): ` +
        'a request to it would leave by another route, ' +
        'and ARP from this machine can never reach the cluster for it.',
      fix: "Give the pool a block inside the cluster's Docker network: `kindscope fix` carves one, or set pool.cidr inside the subnet above.",
    };
  const route = routeForSubnet(routes, `${ip}/32`);
  const where = route ? `${route.cidr} dev ${route.dev}${route.gateway ? ` via ${route.gateway}` : ''}` : 'no route';
  if (!route || route.blocks || route.cidr === '0.0.0.0/0')
    return {
      ok: false,
      detail:
        `This machine's route to ${ip} is ` +
        `${route?.cidr === '0.0.0.0/0' ? `the default route (${where})` : route ? `a blocking route (${route.raw})` : 'missing'} ` +
        `in \`${command}\`, not ${network.network}'s network: nothing was sent.`,
      fix:
        host.platform === 'darwin'
          ? 'Route the Docker networks to this Mac: `kindscope connectivity --fix` (docker-mac-net-connect with Docker Desktop).'
          : `Check \`ip route get ${ip}\`: with a local engine the bridge route of ${network.network} (${network.subnet}) carries it.`,
    };
  if (host.platform !== 'darwin' && host.runtime === 'native' && network.bridge && route.dev !== network.bridge)
    return {
      ok: false,
      detail:
        `${ip} goes to ${where}, not to ${network.network}'s bridge ${network.bridge}: ` +
        `another route (a VPN's?) wins in \`${command}\`; nothing was sent.`,
      fix: `Inspect \`ip route get ${ip}\` and \`ip rule show\`: remove or narrow the route that captures ${network.subnet}.`,
    };
  if (host.platform === 'darwin' && host.runtime === 'docker-desktop' && !route.tunnel)
    return {
      ok: false,
      detail: `${ip} goes to ${where}, not to docker-mac-net-connect's tunnel route for ${network.subnet}: nothing was sent.`,
      fix: 'Start docker-mac-net-connect (`kindscope connectivity --fix`), and exclude the Docker subnets from any VPN.',
    };
  return {
    ok: true,
    detail:
      `${ip} is in ${network.network} (${network.subnet}); ` +
      (`this machine routes it by ${where}` +
        `${route.tunnel ? " (docker-mac-net-connect's tunnel)" : route.dev === network.bridge ? ' (the network’s bridge)' : ''}.`),
  };
}

/** busybox/iputils `arping`: "Unicast reply from 172.18.250.1 [02:42:AC:12:00:03]" — the MAC that answered. */
export function arpingReplyMac(output: string, ip: string): string | undefined {
  const escaped = ip.replace(/\./g, '\\.');
  return new RegExp(`reply from ${escaped} \\[([0-9a-fA-F:]{17})\\]`, 'i').exec(output)?.[1]?.toLowerCase();
}

/** The sample app's marker (core/lab/plan/render.ts): the first line of every answer its pods give. */
export const sampleMarkerPattern = /^kindscope-sample pod=(\S+) token=(\S+)/m;

export interface ProofTarget {
  cluster: string;
  ip: string;
  port: number;
  nodes: readonly { name: string; mac?: string }[];
  /** Set for Kindscope's sample app: its answers must carry this token. */
  sampleToken?: string;
}

export interface ProofOutcome<T = HttpProbe> {
  proof: Proof;
  /** The probe's own result; absent when the path failed and nothing was sent. */
  http?: T;
  neighbour?: NeighbourEntry;
  refresh?: NeighbourRefresh;
  answeredBy?: AnsweredBy;
  findings: Finding[];
}

/**
 * "Reachable", proven: the path first (nothing is sent otherwise), then the probe with the
 * neighbour entry refreshed before and read after it (or ARP asked afresh from a helper where
 * the entry cannot be refreshed — a permanent one is never deleted), then the answer judged.
 * Every `answeredBy` here is a measurement. `send`/`judge`: HTTP and the sample's marker by
 * default; `ping --service` sends a TCP connect.
 */
/** A LoadBalancer service's proof target: its IP and probe port, the cluster's nodes, the sample's token. */
export function serviceTarget(
  status: { cluster: string; nodes: ProofTarget['nodes'] },
  service: { sampleToken?: string | undefined },
  ip: string,
  port: number,
): ProofTarget {
  return {
    cluster: status.cluster,
    ip,
    port,
    nodes: status.nodes,
    ...(service.sampleToken ? { sampleToken: service.sampleToken } : {}),
  };
}

export async function prove<T = HttpProbe>(
  target: ProofTarget,
  deps: ProofDeps,
  send: () => Promise<T> = () => probeHttp(target.ip, target.port) as Promise<T>,
  judge: (result: T) => Proof['answer'] = (result) => judgeAnswer(result as HttpProbe, target.sampleToken),
): Promise<ProofOutcome<T>> {
  const { cluster, ip } = target;
  const path = await deps.path(cluster, ip);
  if (!path.ok)
    return {
      proof: {
        path,
        arp: { state: 'not-checked', detail: 'Not asked: the path does not go to the cluster.' },
        answer: { state: 'not-checked', detail: 'Nothing was sent.' },
        proven: false,
        failing: 'path',
        ...(path.fix ? { fix: path.fix } : {}),
      },
      findings: [
        { code: 'path-not-cluster-network', message: path.detail, fix: path.fix ?? 'Run `kindscope connectivity`.' },
      ],
    };
  // Docker's view of the nodes first: known at once, even when the status has not joined the topology yet.
  const docker = (await deps.nodes?.(cluster).catch(() => [])) ?? [];
  const nodes = [...docker.filter((n) => n.mac), ...target.nodes];
  const measured = await measure(ip, nodes, send, deps.table);
  const { result: http, neighbour, refresh } = measured;
  let answeredBy = measured.answeredBy;
  // Not refreshed (a permanent entry, no CAP_NET_ADMIN): ask afresh rather than trust the table.
  let asked = false;
  if (!answeredBy && !refresh.refreshed && deps.ask) {
    const mac = await deps.ask(cluster, ip).catch(() => undefined);
    asked = true;
    if (mac) answeredBy = answeredByOf(nodes, mac);
  }
  const findings: Finding[] = [];
  const permanent = refresh.permanent;
  const permanentDisagrees = !!permanent?.mac && !!answeredBy && !sameMac(permanent.mac, answeredBy.mac);
  if (permanent?.mac && answeredBy && permanentDisagrees)
    findings.push({
      code: 'neighbour-permanent-mismatch',
      message:
        `This machine's neighbour entry for ${ip} is PERMANENT and names ` +
        `${macOwner(nodes, permanent.mac) ?? 'no node of this cluster'} (${permanent.mac}), ` +
        `but ${answeredBy.node ?? 'a MAC of no node'} (${answeredBy.mac}) answers ARP: ` +
        'this machine sends to the wrong MAC.',
      fix:
        `The entry was set by hand (\`arp -s\` or \`ip neigh add … nud permanent\`), ` +
        `so Kindscope leaves it: remove it with \`sudo ip neigh del ${ip} dev ` +
        `${permanent.dev ?? '<bridge>'}\`.`,
    });
  const arp: Proof['arp'] = answeredBy
    ? answeredBy.node
      ? {
          state: 'measured',
          detail:
            `answered ARP: ${answeredBy.node} (${answeredBy.mac}), ` +
            `${asked ? 'asked afresh from a helper on the network' : 'neighbour entry refreshed before the probe'}, ` +
            `${answeredBy.checkedAt}.`,
        }
      : {
          state: 'other',
          detail: `answered ARP: ${answeredBy.mac}, which is no node of "${cluster}" — another machine or cluster answers for ${ip}.`,
        }
    : !neighbour && !asked
      ? {
          state: 'not-measurable',
          detail: "answered ARP: not measurable here (the neighbour table lives in the engine's VM).",
        }
      : permanent && !asked
        ? {
            state: 'not-measurable',
            detail:
              'answered ARP: not measurable here — ' +
              `this machine's entry is PERMANENT (${permanent.mac ?? 'no MAC'}), ` +
              'kept as the user set it, and no helper could ask afresh.',
          }
        : { state: 'nobody', detail: `answered ARP: nobody (neighbour entry ${neighbour?.state ?? 'none'}).` };
  const answer = judge(http);
  const arpOk = (arp.state === 'measured' || arp.state === 'not-measurable') && !permanentDisagrees;
  const answerOk = answer.state === 'marker' || answer.state === 'reported';
  const failing = !arpOk ? 'arp' : !answerOk ? 'answer' : undefined;
  const fix =
    failing === 'arp'
      ? (findings[0]?.fix ??
        (arp.state === 'other'
          ? 'Give each cluster its own LoadBalancer pool range, or stop the machine that answers for this IP (`kindscope capture` shows who).'
          : 'Run `kindscope check` for the findings that explain why no node announces this IP.'))
      : failing === 'answer'
        ? answer.state === 'something-else'
          ? 'Something other than the sample app answered: ' +
            `check that ${ip} is not also used elsewhere, and that the sample's pods run ` +
            `(\`kubectl get pods -l app\`); \`kindscope fix\` redeploys it.`
          : 'Nothing answered HTTP: check that the service has ready endpoints and that the node holding the lease runs.'
        : undefined;
  if (failing === 'answer' && answer.state === 'something-else')
    findings.push({ code: 'answer-not-sample', message: answer.detail, fix: fix! });
  return {
    proof: { path, arp, answer, proven: !failing, ...(failing ? { failing, fix } : {}) },
    http,
    ...(neighbour ? { neighbour } : {}),
    refresh,
    ...(answeredBy ? { answeredBy } : {}),
    findings,
  };
}

/** What answered: the sample's marker with this lab's token, something else, or (a user's service) its status, not judged. */
export function judgeAnswer(http: HttpProbe, sampleToken: string | undefined): Proof['answer'] {
  if (http.status === undefined) return { state: 'none', detail: `No HTTP answer (${http.error ?? 'no response'}).` };
  if (!sampleToken)
    return {
      state: 'reported',
      detail: `HTTP ${http.status} in ${http.ms} ms (a service of your own: reported, not judged).`,
    };
  const marker = sampleMarkerPattern.exec(http.body ?? '');
  if (http.status === 200 && marker && marker[2] === sampleToken)
    return {
      state: 'marker',
      pod: marker[1]!,
      detail: `the sample app's pod ${marker[1]} answered with this lab's marker (HTTP 200).`,
    };
  return {
    state: 'something-else',
    detail:
      `Something else answered: HTTP ${http.status}` +
      `${marker ? ` with a marker for another lab (token ${marker[2]})` : " without the sample app's marker"}` +
      `${http.body ? ` — "${http.body.trim().slice(0, 60)}"` : ''}.`,
  };
}
