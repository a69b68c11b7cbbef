/**
 * Does the cluster fit kind and Cilium: the name, the lease timings, the devices and the L2
 * interfaces, the routing, the sizes and subnets.
 */
import { kindNetworkingDefaults, type LabFinding } from '../../../contract';
import { cidrsOverlap } from '../../net/cidr';
import { durationMs, nodeNames, serviceHost } from './plan';
import { refuse, type Rule } from './plan-rule';

/** What a kind node has: eth0 on the kind network (and lo). Cilium's own devices come later. */
export const kindNodeDevices = ['eth0'];

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const nameRule: Rule = (plan, env) => {
  const { name } = plan.cluster;
  if (!dns1123Label.test(name)) {
    return [
      refuse(
        'name-invalid',
        'cluster.name',
        `"${name}" is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit)`,
        `Use a name such as "${
          name
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, '-')
            .replace(/^-+|-+$/g, '') || 'lab'
        }".`,
      ),
    ];
  }
  const names = nodeNames(plan);
  const longest = [...names.controlPlanes, ...names.workers, names.externalLoadBalancer ?? ''].reduce((a, b) =>
    b.length > a.length ? b : a,
  );
  if (longest.length > 63) {
    return [
      refuse(
        'name-too-long',
        'cluster.name',
        `"${name}" makes the node name "${longest}" (${longest.length} characters); container host names are at most 63`,
        `Use a name of at most ${name.length - (longest.length - 63)} characters.`,
      ),
    ];
  }
  if (env?.clusters.has(name)) {
    return [
      refuse(
        'name-taken',
        'cluster.name',
        `A kind cluster named "${name}" already exists on this engine (nodes ${env.clusters.get(name)!.join(', ')})`,
        `Choose another name, or delete it first: kind delete cluster --name ${name}`,
      ),
    ];
  }
  return [];
};

export const leaseRule: Rule = (plan) => {
  if (plan.announce === 'bgp') return [];
  const { leaseDuration, leaseRenewDeadline, leaseRetryPeriod } = plan.cilium.l2announcements;
  const [d, r, p] = [durationMs(leaseDuration), durationMs(leaseRenewDeadline), durationMs(leaseRetryPeriod)];
  if (d === undefined || r === undefined || p === undefined || (d > r && r > p)) return [];
  return [
    refuse(
      'lease-timings-inverted',
      'cilium.l2announcements',
      `Lease timings must satisfy leaseDuration > leaseRenewDeadline > leaseRetryPeriod; got ${leaseDuration} / ${leaseRenewDeadline} / ${leaseRetryPeriod}. ` +
        `A holder that dies is replaced after about leaseDuration + leaseRetryPeriod`,
      "Use e.g. 3s / 1s / 500ms (failover in about 3.5 s), or Cilium's defaults 15s / 5s / 2s (fewer API calls).",
    ),
  ];
};

const devicePattern = (device: string) =>
  new RegExp(`^${device.replace(/[.*?^${}()|[\]\\]/g, '\\$&').replace(/\+$/, '.*')}$`);

export const deviceRules: Rule = (plan) => {
  const findings: LabFinding[] = [];
  const { devices } = plan.cilium;
  for (const device of devices) {
    if (!kindNodeDevices.some((d) => devicePattern(device).test(d))) {
      findings.push(
        refuse(
          'device-not-on-nodes',
          'cilium.devices',
          `kind nodes have no interface "${device}" (they have ${kindNodeDevices.join(', ')}); Cilium would not attach to it`,
          `Set devices to [${kindNodeDevices.join(', ')}].`,
        ),
      );
    }
  }
  for (const pattern of plan.announce === 'bgp' ? [] : plan.l2Policy.interfaces) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch {
      findings.push(
        refuse(
          'policy-interface-invalid',
          'l2Policy.interfaces',
          `"${pattern}" is not a regular expression`,
          'Use e.g. ^eth[0-9]+',
        ),
      );
      continue;
    }
    if (!devices.some((device) => regex.test(device.replace(/\+$/, '0')))) {
      findings.push(
        refuse(
          'policy-interface-not-in-devices',
          'l2Policy.interfaces',
          `The L2 policy's interface "${pattern}" matches none of Cilium's devices (${devices.join(', ')}): no node would answer ARP for the pool's IPs`,
          `Use an interface regex matching a device, e.g. ^eth[0-9]+, or add the interface to cilium.devices.`,
        ),
      );
    }
  }
  return findings;
};

export const routingRule: Rule = (plan) => {
  const { routingMode, ipv4NativeRoutingCIDR, autoDirectNodeRoutes } = plan.cilium;
  if (routingMode !== 'native') return [];
  if (!ipv4NativeRoutingCIDR) {
    return [
      refuse(
        'native-routing-without-cidr',
        'cilium.ipv4NativeRoutingCIDR',
        'routingMode native needs ipv4NativeRoutingCIDR (the chart refuses native routing without it)',
        `Set cilium.ipv4NativeRoutingCIDR to the pod subnet ${plan.cluster.podSubnet}, or use routingMode tunnel.`,
      ),
    ];
  }
  if (!autoDirectNodeRoutes) {
    return [
      {
        code: 'native-routing-without-direct-routes',
        field: 'cilium.autoDirectNodeRoutes',
        message: "With native routing on kind's shared L2 network, nodes need routes to each other's pod CIDRs",
        fix: 'Set cilium.autoDirectNodeRoutes: true.',
        severity: 'warning',
        applied: false,
      },
    ];
  }
  return [];
};

export const sizeRules: Rule = (plan) => {
  const nodes = plan.cluster.controlPlanes + plan.cluster.workers;
  const findings: LabFinding[] = [];
  if (plan.cilium.operatorReplicas > nodes) {
    findings.push(
      refuse(
        'operator-replicas-above-nodes',
        'cilium.operatorReplicas',
        `operator.replicas ${plan.cilium.operatorReplicas} is more than the ${nodes} nodes: the operator pods repel each other, so the extra ones stay Pending`,
        `Set cilium.operatorReplicas to at most ${nodes}.`,
      ),
    );
  }
  if (cidrsOverlap(plan.cluster.podSubnet, plan.cluster.serviceSubnet)) {
    findings.push(
      refuse(
        'subnets-overlap',
        'cluster.serviceSubnet',
        `The pod subnet ${plan.cluster.podSubnet} and service subnet ${plan.cluster.serviceSubnet} overlap`,
        `Use kind's defaults ${kindNetworkingDefaults.podSubnet} and ${kindNetworkingDefaults.serviceSubnet}.`,
      ),
    );
  }
  const host = serviceHost(plan);
  const names = nodeNames(plan);
  if (![...names.controlPlanes, names.externalLoadBalancer].includes(host)) {
    findings.push(
      refuse(
        'k8s-service-host-unknown',
        'cilium.k8sServiceHost',
        `k8sServiceHost "${host}" names no control-plane node of cluster "${plan.cluster.name}": the agents cannot reach the API server`,
        `Leave it empty, or set ${names.externalLoadBalancer ?? names.controlPlanes[0]}.`,
      ),
    );
  }
  return findings;
};

// Pod or service addresses inside the kind network would shadow node addresses in routes.
export const subnetsOnNetworkRule: Rule = (plan, env) => {
  const network = env?.network?.subnet;
  if (!network) return [];
  return (['podSubnet', 'serviceSubnet'] as const)
    .filter((field) => cidrsOverlap(plan.cluster[field], network))
    .map((field) =>
      refuse(
        'subnet-overlaps-network',
        `cluster.${field}`,
        `The ${field} ${plan.cluster[field]} overlaps the ${env!.networkName} network ${network}: pod or service routes would shadow the nodes`,
        `Use kind's default ${kindNetworkingDefaults[field]}.`,
      ),
    );
};
