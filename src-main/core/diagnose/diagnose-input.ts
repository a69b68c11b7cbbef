import type { KubeSnapshot } from '../kube/kube-state';

/** What the topology snapshot (Docker) knows of the cluster: node containers and their networks. */
export interface TopologyFacts {
  /** `ipv4`: the container's address on the cluster's network now (Docker's fact, not Kubernetes' claim). */
  nodes: { name: string; state: string; running: boolean; mac?: string; ipv4?: string }[];
  /** IPv4 subnets of the Docker networks the nodes are attached to. */
  networks: { name: string; subnet: string }[];
}

/** A pool of another kind cluster on the same Docker network. */
export interface OtherClusterPool {
  cluster: string;
  name: string;
  ranges: string[];
}

/**
 * Everything a rule may look at. Any part may be unknown (`undefined`): a rule that needs
 * an unknown part yields no finding — "not listed yet" is never "not there".
 */
export interface DiagnoseInput {
  /** The kubeconfig context, for fix commands the user can paste. */
  context: string;
  kube: KubeSnapshot;
  topology?: TopologyFacts;
  otherPools?: OtherClusterPool[];
}
