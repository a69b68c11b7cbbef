/**
 * BGP mode's part of what a plan creates: the names beside the lab (router, pool network) and
 * the BGP control plane objects the nodes peer with the router by.
 */
import { LabBgp, type LabPlan } from '../../../contract';
import { yaml } from './render-yaml';

/** BGP mode's settings with their defaults (an L2 plan may leave them out). */
export const bgpOf = (plan: Pick<LabPlan, 'bgp'>): LabBgp => plan.bgp ?? LabBgp.parse({});

/** Stands for the router's address on the kind network in the cluster config until the router exists (run time). */
export const routerAddressAtRun = 'ROUTER-ADDRESS-AT-RUN-TIME';

/** The label the peer config's family selects advertisements by. */
export const advertisementLabel = 'kindscope.dev/advertise';

/** The router container beside the lab (`<cluster>-router`) and the Docker network for the pool (`<cluster>-lb`). */
export const routerName = (plan: Pick<LabPlan, 'cluster'>) => `${plan.cluster.name}-router`;
export const lbNetworkName = (plan: Pick<LabPlan, 'cluster'>) => `${plan.cluster.name}-lb`;

/**
 * The three BGP control plane v2 objects (`cilium.io/v2` from 1.18, cilium/cilium#37765; the v1
 * `CiliumBGPPeeringPolicy` was removed in 1.19, cilium/cilium#42278, so it is never written):
 * - CiliumBGPClusterConfig: which nodes speak BGP (workers unless `bgp.nodes: all`, as the L2
 *   policy leaves control planes out), their ASN, and the router as their one peer;
 * - CiliumBGPPeerConfig: lab timers and graceful restart (off unless asked for), IPv4 unicast
 *   advertising what the label selects;
 * - CiliumBGPAdvertisement: the LoadBalancer IPs of every service. Its selector must be given:
 *   "if not specified, no objects of the type specified by AdvertisementType are selected"
 *   (the CRD's description of `spec.advertisements[].selector`, ../shared/upstream/cilium-crds/v2/
 *   ciliumbgpadvertisements.yaml); a NotIn on a label no service has selects them all.
 */
export function renderBgp(plan: LabPlan, routerAddress: string = routerAddressAtRun): string {
  const bgp = bgpOf(plan);
  const clusterConfig = {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumBGPClusterConfig',
    metadata: { name: bgp.clusterConfigName },
    spec: {
      ...(bgp.nodes === 'workers'
        ? {
            nodeSelector: {
              matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }],
            },
          }
        : {}),
      bgpInstances: [
        {
          name: 'lab',
          localASN: bgp.localASN,
          peers: [
            {
              name: 'router',
              peerASN: bgp.routerASN,
              peerAddress: routerAddress,
              peerConfigRef: { name: bgp.peerConfigName },
            },
          ],
        },
      ],
    },
  };
  const peerConfig = {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumBGPPeerConfig',
    metadata: { name: bgp.peerConfigName },
    spec: {
      timers: {
        holdTimeSeconds: bgp.holdTimeSeconds,
        keepAliveTimeSeconds: bgp.keepAliveTimeSeconds,
        connectRetryTimeSeconds: bgp.connectRetryTimeSeconds,
      },
      gracefulRestart: { ...bgp.gracefulRestart },
      families: [
        {
          afi: 'ipv4',
          safi: 'unicast',
          advertisements: { matchLabels: { [advertisementLabel]: bgp.advertisementName } },
        },
      ],
    },
  };
  const advertisement = {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumBGPAdvertisement',
    metadata: { name: bgp.advertisementName, labels: { [advertisementLabel]: bgp.advertisementName } },
    spec: {
      advertisements: [
        {
          advertisementType: 'Service',
          service: { addresses: ['LoadBalancerIP'] },
          selector: {
            matchExpressions: [{ key: 'kindscope.dev/no-such-label', operator: 'NotIn', values: ['never'] }],
          },
        },
      ],
    },
  };
  return `${yaml(clusterConfig)}---\n${yaml(peerConfig)}---\n${yaml(advertisement)}`;
}
