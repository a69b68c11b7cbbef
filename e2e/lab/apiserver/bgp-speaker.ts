/**
 * The lab's Cilium BGP control plane (LAB.md §3, BGP mode): what each node's agent would run,
 * made real with Debian's GoBGP (Cilium's own BGP speaker is GoBGP, embedded in the agent).
 * Pure parts here — the desired speaker of a node from the live objects, gobgpd's TOML, the
 * node script, the session status as `CiliumBGPNodeConfig.status` — the driving in cilium-sim.ts.
 *
 * As Cilium does it (Documentation/network/bgp-control-plane/bgp-control-plane-v2.rst):
 * - a `CiliumBGPClusterConfig` selects nodes (`nodeSelector`; none given: every node) and gives
 *   each a BGP instance with its local ASN and peers; the operator writes one
 *   `CiliumBGPNodeConfig` per selected node, named after it;
 * - a peer's `peerConfigRef` names a `CiliumBGPPeerConfig`: timers, graceful restart, and per
 *   family a label selector of `CiliumBGPAdvertisement`s;
 * - an advertisement of type Service with `addresses: [LoadBalancerIP]` advertises the
 *   LoadBalancer IPs of the services its selector matches — an absent selector matches none
 *   (the CRD's description of `selector`); with `externalTrafficPolicy: Local` only nodes with
 *   a ready endpoint of the service advertise it;
 * - the next hop is the node's own address on the session (eBGP).
 */
import { selectorMatches } from './lb-pools.ts';
import type { KubeObject as Obj } from './kube-object.ts';

export interface SpeakerPeer {
  name: string;
  address: string;
  asn: number;
  holdTime: number;
  keepalive: number;
  connectRetry: number;
  gracefulRestart?: { restartTime: number };
}

export interface SpeakerVip {
  vip: string;
  port: number;
  service: string;
  backend: string;
  page: string;
}

export interface Speaker {
  node: string;
  nodeIp: string;
  instance: string;
  asn: number;
  peers: SpeakerPeer[];
  vips: SpeakerVip[];
  clusterConfig: Obj;
}

export interface BgpObjects {
  clusterConfigs: Obj[];
  peerConfigs: Obj[];
  advertisements: Obj[];
}

/** The peer config's defaults when its fields are left out (the CRD's defaults). */
const timerDefaults = { holdTimeSeconds: 90, keepAliveTimeSeconds: 30, connectRetryTimeSeconds: 120 };

/** The services a peer config's ipv4 unicast family advertises the LoadBalancer IPs of (selectors as Cilium reads them). */
export function advertisedServices(peerConfig: Obj | undefined, objects: BgpObjects, services: Obj[]): Obj[] {
  const family = ((peerConfig?.spec?.families ?? [{ afi: 'ipv4', safi: 'unicast' }]) as Obj[]).find(
    (f) => f.afi === 'ipv4' && f.safi === 'unicast',
  );
  // Without an advertisements selector a family advertises nothing.
  if (!family?.advertisements) return [];
  const adverts = objects.advertisements.filter((a) => selectorMatches(family.advertisements, a.metadata.labels ?? {}));
  const selectors = adverts.flatMap((a) =>
    ((a.spec?.advertisements ?? []) as Obj[]).filter(
      (entry) =>
        entry.advertisementType === 'Service' &&
        ((entry.service?.addresses ?? []) as string[]).includes('LoadBalancerIP') &&
        entry.selector,
    ),
  );
  return services.filter((service) =>
    selectors.some((entry) => selectorMatches(entry.selector, service.metadata.labels ?? {})),
  );
}

/** gobgpd's configuration for a speaker: its ASN, the node's address as router ID, the peers; it never listens (port -1). */
export function gobgpToml(speaker: Speaker): string {
  const lines = ['[global.config]', `  as = ${speaker.asn}`, `  router-id = "${speaker.nodeIp}"`, '  port = -1'];
  for (const peer of speaker.peers) {
    lines.push(
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${peer.address}"`,
      `    peer-as = ${peer.asn}`,
      '  [neighbors.timers.config]',
      `    hold-time = ${peer.holdTime}`,
      `    keepalive-interval = ${peer.keepalive}`,
      `    connect-retry = ${peer.connectRetry}`,
      ...(peer.gracefulRestart
        ? [
            '  [neighbors.graceful-restart.config]',
            '    enabled = true',
            `    restart-time = ${peer.gracefulRestart.restartTime}`,
          ]
        : []),
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      '      afi-safi-name = "ipv4-unicast"',
      ...(peer.gracefulRestart ? ['    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true'] : []),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The speakers the live objects ask for: one per node a cluster config selects (the first config to select a node wins). */
export function desiredSpeakers(
  objects: BgpObjects,
  nodes: Obj[],
  services: Obj[],
  nodeIp: (node: Obj) => string | undefined,
  backendsOn: (service: Obj, node: string) => string[],
  pageOf: (service: Obj, backend: string) => string,
): Speaker[] {
  const speakers: Speaker[] = [];
  for (const clusterConfig of objects.clusterConfigs) {
    const instance = (clusterConfig.spec?.bgpInstances ?? [])[0] as Obj | undefined;
    if (!instance?.localASN) continue;
    for (const node of nodes) {
      if (!selectorMatches(clusterConfig.spec?.nodeSelector, node.metadata.labels ?? {})) continue;
      if (speakers.some((s) => s.node === node.metadata.name)) continue;
      const ip = nodeIp(node);
      if (!ip) continue;
      const peers: SpeakerPeer[] = [];
      const vips = new Map<string, SpeakerVip>();
      for (const peer of (instance.peers ?? []) as Obj[]) {
        if (!peer.peerAddress || !peer.peerASN) continue;
        const peerConfig = objects.peerConfigs.find((p) => p.metadata.name === peer.peerConfigRef?.name);
        const timers = { ...timerDefaults, ...(peerConfig?.spec?.timers ?? {}) };
        const gr = peerConfig?.spec?.gracefulRestart;
        peers.push({
          name: peer.name,
          address: peer.peerAddress,
          asn: peer.peerASN,
          holdTime: timers.holdTimeSeconds,
          keepalive: timers.keepAliveTimeSeconds,
          connectRetry: timers.connectRetryTimeSeconds,
          ...(gr?.enabled ? { gracefulRestart: { restartTime: gr.restartTimeSeconds ?? 120 } } : {}),
        });
        for (const service of advertisedServices(peerConfig, objects, services)) {
          const vip = service.status?.loadBalancer?.ingress?.[0]?.ip as string | undefined;
          if (!vip) continue;
          const local = backendsOn(service, node.metadata.name);
          const all = backendsOn(service, '');
          // externalTrafficPolicy: Local — only nodes with a ready endpoint advertise (and serve locally).
          const backends = service.spec?.externalTrafficPolicy === 'Local' ? local : all;
          if (backends.length === 0) continue;
          vips.set(vip, {
            vip,
            port: service.spec?.ports?.[0]?.port ?? 80,
            service: service.metadata.name,
            backend: backends[0]!,
            page: pageOf(service, backends[0]!),
          });
        }
      }
      speakers.push({
        node: node.metadata.name,
        nodeIp: ip,
        instance: instance.name,
        asn: instance.localASN,
        peers,
        vips: [...vips.values()].sort((a, b) => a.vip.localeCompare(b.vip)),
        clusterConfig,
      });
    }
  }
  return speakers;
}

/** The operator's `CiliumBGPNodeConfig` for a speaker: named after the node, owned by its cluster config. */
export function nodeConfigFor(speaker: Speaker): Obj {
  const owner = speaker.clusterConfig;
  const instance = (owner.spec.bgpInstances as Obj[])[0]!;
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumBGPNodeConfig',
    metadata: {
      name: speaker.node,
      ownerReferences: [
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumBGPClusterConfig',
          name: owner.metadata.name,
          uid: owner.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: {
      bgpInstances: [
        {
          name: instance.name,
          localASN: instance.localASN,
          peers: ((instance.peers ?? []) as Obj[]).map((p) => ({
            name: p.name,
            ...(p.peerAddress ? { peerAddress: p.peerAddress } : {}),
            ...(p.peerASN !== undefined ? { peerASN: p.peerASN } : {}),
            ...(p.peerConfigRef ? { peerConfigRef: { name: p.peerConfigRef.name } } : {}),
          })),
        },
      ],
    },
  };
}

/** GoBGP's session states (apipb PeerState_SessionState) as Cilium words them in `peeringState`. */
const sessionStates = ['unknown', 'idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'];

/** `gobgp neighbor -j` → the node config's `status.bgpInstances[0].peers`. */
export function peerStatus(speaker: Speaker, neighbors: Obj[]): Obj[] {
  return speaker.peers.map((peer) => {
    const neighbor = neighbors.find(
      (n) => n.conf?.neighbor_address === peer.address || n.state?.neighbor_address === peer.address,
    );
    const state = sessionStates[Number(neighbor?.state?.session_state ?? 0)] ?? 'unknown';
    const established = state === 'established';
    const uptime = Number(neighbor?.timers?.state?.uptime?.seconds ?? 0);
    const family = ((neighbor?.afi_safis ?? []) as Obj[]).find((f) => f.config?.family?.afi === 1)?.state ?? {};
    return {
      name: peer.name,
      peerAddress: peer.address,
      peerASN: peer.asn,
      peeringState: state,
      ...(established && uptime > 0
        ? { establishedTime: new Date(uptime * 1000).toISOString().replace(/\.\d+Z$/, 'Z') }
        : {}),
      ...(established
        ? {
            timers: {
              appliedHoldTimeSeconds: Number(neighbor?.timers?.state?.negotiated_hold_time ?? peer.holdTime),
              appliedKeepaliveSeconds: Number(neighbor?.timers?.state?.keepalive_interval ?? peer.keepalive),
            },
            routeCount: [
              {
                afi: 'ipv4',
                safi: 'unicast',
                advertised: Number(family.advertised ?? speaker.vips.length),
                received: Number(family.received ?? 0),
              },
            ],
          }
        : {}),
    };
  });
}

/**
 * Stops the processes whose command starts with `command`, and waits until they are gone. The
 * host's busybox-static has no `pkill`/`pgrep` applet (its `pkill` link says "applet not found"),
 * so ps and sed find them; anchored at the command column, so the calling `sh -c`, whose text
 * holds the same words, is never matched.
 */
export function stopMatching(command: string): string {
  const regex = command.replace(/[.[\]*^$\\/]/g, (c) => `\\${c}`);
  const pids = `$(ps | sed -n 's/^ *\\([0-9][0-9]*\\) *[^ ][^ ]* *${regex}\\( .*\\)\\{0,1\\}$/\\1/p')`;
  return `for p in ${pids}; do kill $p 2>/dev/null; done; for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z "${pids}" ] && break; sleep 0.1; done`;
}

/** The script that (re)starts gobgpd in a node with a new configuration (values computed here, never user text). */
export function startSpeakerScript(speaker: Speaker): string {
  const toml = Buffer.from(gobgpToml(speaker)).toString('base64');
  return [
    'mkdir -p /etc/gobgp /var/log',
    `printf '%s' '${toml}' | busybox base64 -d > /etc/gobgp/gobgpd.toml`,
    stopMatching('gobgpd'),
    'gobgpd -f /etc/gobgp/gobgpd.toml -t toml -p --api-hosts 127.0.0.1:50051 --pprof-disable </dev/null >/var/log/gobgpd.log 2>&1 &',
    // Ready once its API port 50051 (hex C383) listens (state 0A): `gobgp` itself would wait seconds per try on a closed port.
    'i=0; while [ $i -lt 50 ]; do grep -q ":C383 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null && exit 0; sleep 0.1; i=$((i + 1)); done',
    'exit 1',
  ].join('\n');
}
