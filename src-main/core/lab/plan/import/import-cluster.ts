/** The importer's cluster part: a kind config and `kind create cluster` flags → the plan's cluster. */
import type { LabFinding, LabPlanInput } from '../../../../contract';
import { compatTable, defaultCompatRow } from '../../../../contract/compat-table';
import type { Values } from './import-values';
import { finding, type Gathered } from './import-sources';

/** The cluster part: kind config and `kind create cluster` flags. */
export function importCluster(
  g: Gathered,
  name: string | undefined,
  findings: LabFinding[],
): { articleName: string; cluster: LabPlanInput['cluster'] } {
  const config = (g.kindConfig?.body ?? {}) as {
    name?: string;
    networking?: Values;
    nodes?: { role?: string; image?: string }[];
  };
  // kind's own default name is "kind" (nodes kind-control-plane, kind-worker).
  const articleName = g.kindCreate?.name ?? config.name ?? 'kind';
  const networking = config.networking ?? {};
  const nodes = config.nodes ?? [{ role: 'control-plane' }, { role: 'worker' }];
  if (g.kindConfig && networking.disableDefaultCNI !== true)
    findings.push(
      finding(
        'kind-default-cni',
        'networking.disableDefaultCNI',
        'The kind config keeps kindnet (disableDefaultCNI is not true): two CNIs would fight over the pods',
        'Set networking.disableDefaultCNI: true.',
        true,
      ),
    );
  if (g.kindConfig && networking.kubeProxyMode !== 'none')
    findings.push(
      finding(
        'kind-kube-proxy',
        'networking.kubeProxyMode',
        `The kind config keeps kube-proxy (kubeProxyMode ${String(networking.kubeProxyMode ?? 'iptables')}) while Cilium replaces it`,
        'Set networking.kubeProxyMode: none.',
        true,
      ),
    );
  const images = [...new Set([g.kindCreate?.image, ...nodes.map((n) => n.image)].filter((i): i is string => !!i))];
  const row = compatTable.find((r) => images.length === 1 && r.image === images[0]) ?? defaultCompatRow;
  if (images.length > 0 && row.image !== images[0])
    findings.push(
      finding(
        'image-replaced',
        'nodes[].image',
        `Node image ${images.join(', ')} is not pinned by a digest from a kind release note`,
        `Use ${row.image} (kind ${row.kind}).`,
        true,
      ),
    );
  const controlPlanes = Math.max(1, nodes.filter((n) => n.role === 'control-plane').length);
  return {
    articleName,
    cluster: {
      name: name ?? articleName,
      kindVersion: row.kind,
      nodeImage: row.image,
      controlPlanes,
      workers: nodes.filter((n) => n.role === 'worker').length,
      ...(typeof networking.podSubnet === 'string' ? { podSubnet: networking.podSubnet } : {}),
      ...(typeof networking.serviceSubnet === 'string' ? { serviceSubnet: networking.serviceSubnet } : {}),
    },
  };
}
