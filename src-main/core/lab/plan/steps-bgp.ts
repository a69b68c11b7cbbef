/**
 * BGP mode's part of the steps: the router beside the lab and the objects the nodes peer with it by.
 * Every command is plain docker or kubectl, as the script runs it.
 */
import type { LabPlan, LabStep } from '../../../contract';
import { bgpOf, lbNetworkName, routerName } from './render-bgp';
import { routerCapabilities, routerLabel, routerSysctls } from './router';

/** Stands for the kind network's subnet in the router's files until kind made the network. */
export const kindSubnetAtRun = 'KIND-SUBNET-AT-RUN-TIME';
/** Stand for the pool's Docker network until the pool is carved (run time). */
export const lbSubnetAtRun = 'LB-SUBNET-AT-RUN-TIME';
export const lbIpRangeAtRun = 'LB-IP-RANGE-AT-RUN-TIME';
export const lbGatewayAtRun = 'LB-GATEWAY-AT-RUN-TIME';

/** An argument of the `lb-network` step with the pool's network filled in (the run and the script alike). */
export function fillLbNetwork(
  arg: string,
  network: { subnet: string; ipRange: string; gateway: string },
): string | undefined {
  if (arg === lbSubnetAtRun) return network.subnet;
  if (arg === lbIpRangeAtRun) return network.ipRange;
  if (arg === lbGatewayAtRun) return network.gateway;
  return undefined;
}

/**
 * BGP mode's own steps, after the pool is carved: the pool's Docker network, the router on the
 * kind network and that one, its files, started. Every command is plain docker, as the script runs it.
 */
export function routerSteps(plan: LabPlan, networkName: string): LabStep[] {
  const router = routerName(plan);
  const lb = lbNetworkName(plan);
  const files = ['frr.conf', 'daemons', 'vtysh.conf'];
  return [
    {
      id: 'lb-network',
      title: `Create the Docker network ${lb} for the pool`,
      command: [
        'docker',
        'network',
        'create',
        '--driver',
        'bridge',
        '--subnet',
        lbSubnetAtRun,
        '--ip-range',
        lbIpRangeAtRun,
        '--gateway',
        lbGatewayAtRun,
        '--label',
        `${routerLabel}=${plan.cluster.name}`,
        lb,
      ],
      creates:
        `the Docker network ${lb}: this machine routes the pool to its bridge (docker-mac-net-connect on macOS), ` +
        `where the router answers for the pool's addresses`,
    },
    {
      id: 'router-create',
      title: `Create the router ${router}`,
      command: [
        'docker',
        'create',
        '--name',
        router,
        '--hostname',
        router,
        '--network',
        networkName,
        ...routerCapabilities.flatMap((cap) => ['--cap-add', cap]),
        ...routerSysctls.flatMap((sysctl) => ['--sysctl', sysctl]),
        '--label',
        `${routerLabel}=${plan.cluster.name}`,
        bgpOf(plan).routerImage,
      ],
      creates: `the FRR router container ${router} on the ${networkName} network (not started yet)`,
    },
    {
      id: 'router-connect',
      title: `Connect the router to ${lb}`,
      command: ['docker', 'network', 'connect', lb, router],
      creates: `the router's interface on ${lb}`,
    },
    ...files.map((file): LabStep => ({
      id: `router-file-${file.replace('.', '-')}`,
      title: `Give the router its ${file}`,
      command: ['docker', 'cp', { file: `router-${file}` }, `${router}:/etc/frr/${file}`],
      creates: `/etc/frr/${file} in ${router}`,
    })),
    {
      id: 'router-start',
      title: `Start the router ${router}`,
      command: ['docker', 'start', router],
      creates: `FRR's zebra and bgpd in ${router}, listening for the nodes' BGP sessions`,
    },
  ];
}

/** Instead of the L2 policy: the BGP cluster config, peer config and advertisement, on stdin. */
export function applyBgpStep(plan: LabPlan, kubectl: string[]): LabStep {
  return {
    id: 'apply-bgp',
    title: 'Create the BGP cluster config, peer config and advertisement',
    command: [...kubectl, 'apply', '-f', '-'],
    stdin: 'bgp',
    creates:
      `the CiliumBGPClusterConfig ${bgpOf(plan).clusterConfigName}, CiliumBGPPeerConfig ${bgpOf(plan).peerConfigName} ` +
      `and CiliumBGPAdvertisement ${bgpOf(plan).advertisementName}: the selected nodes peer with ${routerName(plan)}`,
  };
}
