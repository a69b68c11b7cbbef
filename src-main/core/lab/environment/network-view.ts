/**
 * The kind network as the wizard's address bar draws it: the subnet, and each range in use
 * with what kind of thing uses it. The `what` texts come from `readLabEnvironment`
 * (nodes, the gateway, other containers) and `readOtherPools` (other clusters' pools);
 * the plan's own subnets are not on the network and are left out.
 */
import type { LabNetworkView, LabUsedRangeKind } from '../../../contract';
import type { LabEnvironment } from './lab-environment';

function kindOf(what: string): LabUsedRangeKind {
  if (what.startsWith('node ')) return 'node';
  if (what.startsWith('the network gateway')) return 'gateway';
  if (what.startsWith('the pool ')) return 'pool';
  return 'container';
}

export function networkView(env: LabEnvironment | undefined): LabNetworkView | undefined {
  if (!env?.network) return undefined;
  return {
    name: env.networkName,
    subnet: env.network.subnet,
    ...(env.network.gateway ? { gateway: env.network.gateway } : {}),
    used: env.used.map((range) => ({ cidr: range.cidr, what: range.what, kind: kindOf(range.what) })),
  };
}
