/**
 * The upgrade preflight's checks of the live cluster and of the manifests Kindscope saved for
 * the lab, against what the target release serves and the known traps of the step. Pure:
 * the facts come from live-facts.ts; each item cites the upstream source behind it.
 */
import type { UpgradeItem } from '../../../contract';
import { ciliumReleaseFor, isTestedPairing, versionAtLeast } from '../../../contract/compat-table';

export interface CrdFacts {
  name: string;
  /** Versions the CRD serves now and the one it stores. */
  served: string[];
  storage?: string;
  /** `status.storedVersions`: versions objects may still be stored at in etcd. */
  storedVersions: string[];
}

export interface ServiceFacts {
  namespace: string;
  name: string;
  type: string;
  externalTrafficPolicy?: string;
  sharingKey?: string;
}

export interface SavedManifest {
  /** The file as saved (a create run's files, an exported script). */
  file: string;
  kind: string;
  apiVersion: string;
}

export interface ClusterFacts {
  from: string;
  to: string;
  kubernetes?: string;
  l2Announcements: boolean;
  crds: CrdFacts[];
  /** BGP v1 `CiliumBGPPeeringPolicy` objects (none when the CRD is absent). */
  bgpPeeringPolicies: string[];
  services: ServiceFacts[];
  saved: SavedManifest[];
}

/**
 * The API versions a Cilium release serves for the kinds Kindscope writes. From 1.18 the pool
 * and the BGP v2 kinds are `cilium.io/v2` (storage) with `v2alpha1` deprecated
 * (cilium/cilium#39090); 1.19 still serves `v2alpha1` (seen on 1.19.4); no source names the
 * release that stops serving it and 1.20's is unverified (../shared/FACTS.md), so for 1.20 it
 * is taken as not served — rewriting to `v2`, served since 1.18, is safe either way.
 * `CiliumL2AnnouncementPolicy` is `v2alpha1` only (1.19 and 1.20); the BGP v1
 * `CiliumBGPPeeringPolicy` is gone from 1.19 (cilium/cilium#42278).
 */
export function servedVersions(kind: string, cilium: string): string[] | undefined {
  const v2From118 = [
    'CiliumLoadBalancerIPPool',
    'CiliumBGPClusterConfig',
    'CiliumBGPPeerConfig',
    'CiliumBGPAdvertisement',
  ];
  if (v2From118.includes(kind)) {
    if (!versionAtLeast(cilium, '1.18.0')) return ['v2alpha1'];
    return versionAtLeast(cilium, '1.20.0') ? ['v2'] : ['v2', 'v2alpha1'];
  }
  if (kind === 'CiliumBGPPeeringPolicy') return versionAtLeast(cilium, '1.19.0') ? [] : ['v2alpha1'];
  if (kind === 'CiliumL2AnnouncementPolicy') return ['v2alpha1'];
  // A kind Kindscope does not write: not judged.
  return undefined;
}

/** The kind a CRD defines, from its name (`ciliumloadbalancerippools.cilium.io` → CiliumLoadBalancerIPPool). */
const crdKinds: Record<string, string> = {
  'ciliumloadbalancerippools.cilium.io': 'CiliumLoadBalancerIPPool',
  'ciliumbgpclusterconfigs.cilium.io': 'CiliumBGPClusterConfig',
  'ciliumbgppeerconfigs.cilium.io': 'CiliumBGPPeerConfig',
  'ciliumbgpadvertisements.cilium.io': 'CiliumBGPAdvertisement',
  'ciliumbgppeeringpolicies.cilium.io': 'CiliumBGPPeeringPolicy',
};

/** A pass of the step across `version`: `from` before it, `to` at or after it. */
const crosses = (from: string, to: string, version: string) =>
  !versionAtLeast(from, version) && versionAtLeast(to, version);

export function clusterChecks(facts: ClusterFacts): UpgradeItem[] {
  const { from, to } = facts;
  const items: UpgradeItem[] = [];
  const fromV = from.replace(/^v/, '');
  const toV = to.replace(/^v/, '');

  // Objects stored at a version the target may not serve: a storage migration before the upgrade.
  for (const crd of facts.crds) {
    const kind = crdKinds[crd.name];
    if (!kind || kind === 'CiliumBGPPeeringPolicy') continue;
    const served = servedVersions(kind, to) ?? [];
    const stale = crd.storedVersions.filter((v) => v !== (crd.storage ?? served[0]));
    if (stale.length === 0) continue;
    items.push({
      id: `crd:${crd.name}`,
      area: 'crd',
      outcome: 'rewrite',
      title: `${crd.name} still lists ${stale.join(', ')} in status.storedVersions`,
      detail:
        `objects may be stored at ${stale.join(', ')} (written before 1.18 made ${crd.storage ?? 'v2'} the storage version); ` +
        `${served.some((v) => stale.includes(v)) ? `${toV} still serves it, the next release may not` : `${toV} does not serve it`}: ` +
        `the run re-writes every ${kind} (stored at ${crd.storage ?? 'v2'} then) and sets storedVersions to [${crd.storage ?? 'v2'}] before the upgrade`,
      cites: [
        'cilium/cilium#48087 (dropping a former storage version had to be reverted)',
        'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#upgrade-existing-objects-to-a-new-stored-version',
      ],
      needsConfirmation: true,
    });
  }

  // Manifests Kindscope saved for the lab (its plan's files, an exported script) at a version the target does not serve.
  for (const manifest of facts.saved) {
    const version = manifest.apiVersion.replace(/^cilium\.io\//, '');
    if (!manifest.apiVersion.startsWith('cilium.io/')) continue;
    const served = servedVersions(manifest.kind, to);
    if (!served || (served.includes(version) && !(version === 'v2alpha1' && served.includes('v2')))) continue;
    items.push({
      id: `manifest:${manifest.file}:${manifest.kind}`,
      area: 'manifest',
      outcome: 'rewrite',
      title: `${manifest.file}: ${manifest.kind} at ${manifest.apiVersion}`,
      detail: served.includes(version)
        ? `${toV} serves ${manifest.apiVersion} deprecated: the run rewrites it to cilium.io/v2 (served since 1.18)`
        : `${toV} does not serve ${manifest.apiVersion}: the run rewrites it to cilium.io/v2 (served since 1.18)`,
      cites: ['cilium/cilium#39090'],
      needsConfirmation: true,
    });
  }

  // BGP v1: the peering policy is gone from 1.19; its objects would be left without a controller.
  if (facts.bgpPeeringPolicies.length > 0 && versionAtLeast(to, '1.19.0'))
    items.push({
      id: 'bgp:v1-peering-policies',
      area: 'bgp',
      outcome: 'blocking',
      title: `BGP v1 CiliumBGPPeeringPolicy in use: ${facts.bgpPeeringPolicies.join(', ')}`,
      detail: `Cilium ${toV} no longer has the BGP v1 control plane: these sessions would go down`,
      fix:
        'Move to the BGP control plane v2 (CiliumBGPClusterConfig, CiliumBGPPeerConfig, CiliumBGPAdvertisement; ' +
        'a Kindscope lab in BGP mode makes them), then delete the CiliumBGPPeeringPolicy objects and run the upgrade again.',
      cites: ['cilium/cilium#42278'],
      needsConfirmation: false,
    });

  const loadBalancers = facts.services.filter((s) => s.type === 'LoadBalancer');
  // 1.18 → 1.19: L2-announced services sharing an IP through a sharing key stop answering.
  if (facts.l2Announcements && crosses(from, to, '1.19.0'))
    for (const service of loadBalancers.filter((s) => s.sharingKey))
      items.push({
        id: `service:${service.namespace}/${service.name}:sharing-key`,
        area: 'service',
        outcome: 'warning',
        title: `${service.namespace}/${service.name} shares its IP (sharing key ${service.sharingKey}) and is L2-announced`,
        detail: `after ${fromV} → ${toV}, L2-announced services with an LB-IPAM sharing key stop answering; give it its own IP to be safe`,
        cites: ['cilium/cilium#44222', 'cilium/cilium#48419'],
        needsConfirmation: true,
      });
  // 1.20.2: for externalTrafficPolicy Local only nodes with a local backend take the lease.
  if (facts.l2Announcements && crosses(from, to, '1.20.2'))
    for (const service of loadBalancers.filter((s) => s.externalTrafficPolicy === 'Local'))
      items.push({
        id: `service:${service.namespace}/${service.name}:etp-local`,
        area: 'service',
        outcome: 'warning',
        title: `${service.namespace}/${service.name} has externalTrafficPolicy: Local`,
        detail:
          `from 1.20.2 only a node with a local backend takes its L2 lease; endpoints that name no node ` +
          `(a placeholder backend) get no lease and no ARP reply, silently`,
        cites: ['cilium/cilium#46399', 'cilium/cilium#48550', 'cilium/cilium#48799'],
        needsConfirmation: true,
      });

  if (facts.kubernetes) {
    const release = ciliumReleaseFor(to);
    const tested = isTestedPairing(to, facts.kubernetes);
    items.push({
      id: 'kubernetes:pairing',
      area: 'kubernetes',
      outcome: tested ? 'ok' : 'warning',
      title: `Kubernetes ${facts.kubernetes} ${tested ? 'is' : 'is not'} tested with Cilium ${toV}`,
      detail: release
        ? `Cilium ${release.version.split('.').slice(0, 2).join('.')} lists Kubernetes ${release.tested.join(', ')} as e2e tested` +
          (tested ? '' : ': an untested pairing depends on Kubernetes’ compatibility (Cilium’s wording)')
        : `Kindscope has no compatibility data for Cilium ${toV}`,
      cites: release ? [release.source] : [],
      needsConfirmation: !tested,
    });
  }
  return items;
}
