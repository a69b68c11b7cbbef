/** What the Topology graph draws, before layout: plain data, built from the contract only. */

export type GraphNodeKind =
  | 'host'
  | 'engine-vm'
  | 'bridge'
  | 'veth'
  | 'node'
  | 'pods'
  | 'overlay'
  | 'service'
  | 'pending'
  | 'service-group'
  | 'pool'
  | 'router';

/** Left-to-right columns of the figure (ELK partitions): the order a packet from this machine travels. */
export const columns: Record<GraphNodeKind, number> = {
  host: 0,
  'engine-vm': 1,
  bridge: 2,
  veth: 3,
  // BGP mode's router sits on the bridges beside the nodes' veths: its sessions run to the nodes.
  router: 3,
  node: 4,
  // A node's pod CIDR and the LoadBalancer IPs it holds sit side by side, right of the node.
  pods: 5,
  service: 5,
  pending: 5,
  'service-group': 5,
  overlay: 6,
  pool: 6,
};

export type Tone = 'normal' | 'stopped' | 'warn' | 'bad';

export interface GraphNodeSpec {
  id: string;
  kind: GraphNodeKind;
  /** The accessible name: what a screen reader (and a Playwright locator) hears. */
  label: string;
  title: string;
  /** Fact lines under the title, monospace where they are addresses. */
  lines: string[];
  tone: Tone;
  width: number;
  height: number;
  /** Services are stacked under their lease holder for layout ("bundle"). */
  bundle?: string;
}

export type GraphEdgeKind =
  | 'link'
  | 'veth'
  | 'pods'
  | 'overlay'
  | 'native'
  | 'lease'
  | 'group'
  | 'pool'
  /** BGP mode: a session between the router and a node (measured at the router; the node's claim apart). */
  | 'session'
  /** BGP mode: a next hop the router has for a LoadBalancer IP (one per advertising node: ECMP). */
  | 'nexthop';

export interface GraphEdgeSpec {
  id: string;
  source: string;
  target: string;
  kind: GraphEdgeKind;
  /** The accessible name, e.g. "172.18.250.1 — lease held by demo-worker". */
  label: string;
  /** A short visible label on the line, when it helps the picture. */
  text?: string;
  tone: Tone;
}

export interface GraphSpec {
  nodes: GraphNodeSpec[];
  edges: GraphEdgeSpec[];
  /** Which sources drew it (cluster, with or without the Kubernetes side): a new epoch is laid out afresh. */
  epoch?: string;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
