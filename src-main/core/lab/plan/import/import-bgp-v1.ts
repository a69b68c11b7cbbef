/**
 * The importer's BGP control plane v1: a `CiliumBGPPeeringPolicy` (cilium.io/v2alpha1),
 * deprecated in 1.18 (cilium/cilium#38397) and removed in 1.19 with its agent code
 * (cilium/cilium#42278; the 1.19 upgrade notes: "The previously deprecated
 * CiliumBGPPeeringPolicy CRD and its control plane (BGPv1) has been removed"). It is translated
 * to the v2 objects that replace it — a CiliumBGPClusterConfig, a CiliumBGPPeerConfig per
 * neighbour and a CiliumBGPAdvertisement per virtual router — field by field from the v1 CRD
 * (cilium/cilium pkg/k8s/apis/cilium.io/client/crds/v2alpha1/ciliumbgppeeringpolicies.yaml) to
 * the v2 CRDs (../shared/upstream/cilium-crds/v2), and the plan is switched to BGP mode with its
 * ASNs, so what Kindscope builds is the v2 form.
 */
import { stringify } from 'yaml';
import type { LabFinding, LabPlanInput } from '../../../../contract';
import { defaultCompatRow, versionAtLeast } from '../../../../contract/compat-table';
import { finding, type Gathered, type KubeDoc } from './import-sources';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The release that removed v1 (cilium/cilium#42278), and the one that deprecated it (cilium/cilium#38397). */
export const bgpV1RemovedIn = '1.19';
export const bgpV1DeprecatedIn = '1.18';

/** The label a translated peer config's families select the advertisement by (Cilium's docs use `advertise`). */
const advertiseLabel = 'advertise';

/** v1's `peerAddress` is a CIDR with /32 or /128 (its CRD: "must be in CIDR notation"); v2's is an address. */
const addressOf = (cidr: string) => cidr.replace(/\/(32|128)$/, '');

/** What a v1 field becomes in v2, or why it has no v2 counterpart here. */
export interface Translation {
  objects: Obj[];
  /** Parts of the policy the translation could not carry over, in words. */
  notTranslated: string[];
}

/** A CiliumBGPPeeringPolicy → the v2 objects that replace it, named after the policy. */
export function translatePeeringPolicy(policy: Obj): Translation {
  const name = String(policy.metadata?.name ?? 'bgp');
  const spec = (policy.spec ?? {}) as Obj;
  const notTranslated: string[] = [];
  const peerConfigs: Obj[] = [];
  const advertisements: Obj[] = [];
  const instances = ((spec.virtualRouters ?? []) as Obj[]).map((router, i) => {
    const instance = `${name}-${i}`;
    const label = { [advertiseLabel]: instance };
    const ads: Obj[] = [];
    if (router.exportPodCIDR === true) ads.push({ advertisementType: 'PodCIDR' });
    // v1: "If empty / nil no services will be announced" (serviceSelector); v2's selector the same way.
    if (router.serviceSelector)
      ads.push({
        advertisementType: 'Service',
        service: { addresses: (router.serviceAdvertisements as string[] | undefined) ?? ['LoadBalancerIP'] },
        selector: router.serviceSelector,
      });
    if (router.podIPPoolSelector)
      ads.push({ advertisementType: 'CiliumPodIPPool', selector: router.podIPPoolSelector });
    if (ads.length > 0)
      advertisements.push({
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumBGPAdvertisement',
        metadata: { name: instance, labels: label },
        spec: { advertisements: ads },
      });
    const peers = ((router.neighbors ?? []) as Obj[]).map((neighbor, j) => {
      const peerConfig = `${instance}-peer-${j}`;
      const timers = Object.fromEntries(
        ['connectRetryTimeSeconds', 'holdTimeSeconds', 'keepAliveTimeSeconds']
          .filter((k) => neighbor[k] !== undefined)
          .map((k) => [k, neighbor[k]]),
      );
      // v1: "If this slice is not provided the default families of IPv6 and IPv4 will be provided."
      const families = (
        (neighbor.families as Obj[] | undefined) ?? [
          { afi: 'ipv4', safi: 'unicast' },
          { afi: 'ipv6', safi: 'unicast' },
        ]
      ).map((f) => ({ afi: f.afi, safi: f.safi, ...(ads.length ? { advertisements: { matchLabels: label } } : {}) }));
      if (neighbor.advertisedPathAttributes)
        notTranslated.push(
          `${instance} neighbour ${neighbor.peerAddress}: advertisedPathAttributes (v2 sets attributes per advertisement, spec.advertisements[].attributes)`,
        );
      peerConfigs.push({
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumBGPPeerConfig',
        metadata: { name: peerConfig },
        spec: {
          ...(neighbor.peerPort !== undefined ? { transport: { peerPort: neighbor.peerPort } } : {}),
          ...(Object.keys(timers).length ? { timers } : {}),
          ...(neighbor.eBGPMultihopTTL !== undefined ? { ebgpMultihop: neighbor.eBGPMultihopTTL } : {}),
          ...(neighbor.authSecretRef !== undefined ? { authSecretRef: neighbor.authSecretRef } : {}),
          ...(neighbor.gracefulRestart ? { gracefulRestart: neighbor.gracefulRestart } : {}),
          families,
        },
      });
      return {
        name: `peer-${j}`,
        peerAddress: addressOf(String(neighbor.peerAddress ?? '')),
        peerASN: neighbor.peerASN,
        peerConfigRef: { name: peerConfig },
      };
    });
    return { name: instance, localASN: router.localASN, peers };
  });
  const clusterConfig = {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumBGPClusterConfig',
    metadata: { name },
    // v1: an absent nodeSelector applies to all nodes; v2's is the same.
    spec: { ...(spec.nodeSelector ? { nodeSelector: spec.nodeSelector } : {}), bgpInstances: instances },
  };
  return { objects: [clusterConfig, ...peerConfigs, ...advertisements], notTranslated };
}

/** The objects as one YAML stream, as `kubectl apply -f -` takes them. */
export const translationYaml = (t: Translation) => t.objects.map((o) => stringify(o)).join('---\n');

/**
 * Each CiliumBGPPeeringPolicy pasted: a finding with its v2 translation (an error for a Cilium that
 * no longer serves it, a warning where it is deprecated), and the plan switched to BGP mode with
 * the first virtual router's ASN and its first neighbour's (the lab's router stands for it).
 */
export function importBgpPeeringPolicies(g: Gathered, plan: LabPlanInput, findings: LabFinding[]): void {
  const cilium = plan.cilium?.version ?? defaultCompatRow.cilium[0]!;
  const removed = versionAtLeast(cilium, `${bgpV1RemovedIn}.0`);
  for (const doc of g.bgpPolicies) findings.push(policyFinding(doc, cilium, removed));
  const first = ((g.bgpPolicies[0]?.body.spec as Obj | undefined)?.virtualRouters as Obj[] | undefined)?.[0];
  if (!first) return;
  const neighbor = (first.neighbors as Obj[] | undefined)?.[0];
  plan.announce = 'bgp';
  plan.bgp = {
    ...plan.bgp,
    ...(typeof first.localASN === 'number' ? { localASN: first.localASN } : {}),
    ...(typeof neighbor?.peerASN === 'number' ? { routerASN: neighbor.peerASN } : {}),
    ...(neighbor?.gracefulRestart?.enabled !== undefined
      ? {
          gracefulRestart: {
            enabled: neighbor.gracefulRestart.enabled === true,
            restartTimeSeconds: neighbor.gracefulRestart.restartTimeSeconds ?? 120,
          },
        }
      : {}),
  };
}

function policyFinding(doc: KubeDoc, cilium: string, removed: boolean): LabFinding {
  const translation = translatePeeringPolicy(doc.body);
  const name = String((doc.body.metadata as Obj | undefined)?.name ?? '');
  return finding(
    'bgp-peering-policy-v1',
    'CiliumBGPPeeringPolicy',
    `The CiliumBGPPeeringPolicy ${name} (${doc.source}:${doc.line}) is BGP control plane v1, ` +
      `deprecated in Cilium ${bgpV1DeprecatedIn} (cilium/cilium#38397) and removed in ${bgpV1RemovedIn} (cilium/cilium#42278): ` +
      (removed
        ? `Cilium ${cilium} has no such resource ("no matches for kind"), so nothing would peer`
        : `Cilium ${cilium} still serves it, deprecated`) +
      `; the plan announces by BGP with its ASNs and writes the v2 objects` +
      (translation.notTranslated.length ? `; not translated: ${translation.notTranslated.join('; ')}` : ''),
    // The YAML sits between two sentences: a finding's fix ends with a full stop (finishedFinding).
    `Apply its v2 translation instead (CiliumBGPClusterConfig, CiliumBGPPeerConfig, CiliumBGPAdvertisement):\n` +
      `${translationYaml(translation)}` +
      `Then delete the v1 policy on a Cilium before ${bgpV1RemovedIn} (kubectl delete ciliumbgppeeringpolicy ${name}).`,
    true,
    removed ? 'error' : 'warning',
  );
}
