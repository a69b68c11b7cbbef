import { ClusterStatus, ClusterTopology, type ServiceStatus } from '@contract';
import labStatus from './__fixtures__/lab-status.json';
import labTopology from './__fixtures__/lab-topology.json';

/**
 * Real models from a lab cluster (1 control plane + 2 workers, two LoadBalancer services),
 * recorded with `kindscope topology --json` and `kindscope status --json`, parsed by the contract.
 */
export function labModels(): { topology: ClusterTopology; status: ClusterStatus } {
  return {
    topology: ClusterTopology.parse(structuredClone(labTopology)),
    status: ClusterStatus.parse(structuredClone(labStatus)),
  };
}

export function lbService(
  name: string,
  ip: string | undefined,
  holder: string | undefined,
  extra: Partial<ServiceStatus> = {},
): ServiceStatus {
  return {
    namespace: 'default',
    name,
    type: 'LoadBalancer',
    ports: ['80:30080/TCP'],
    servicePorts: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
    externalIPs: ip ? [ip] : [],
    readyEndpoints: 1,
    ...(holder ? { holder, leaseHolder: { node: holder, lease: `cilium-l2announce-default-${name}` } } : {}),
    findings: [],
    ...extra,
  };
}
