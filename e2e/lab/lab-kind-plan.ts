import { compatTable } from '../../src-main/contract/compat-table.ts';

/**
 * The lab's kind stand-in is kind v0.29.0 (kind/kind-standin.ts): plans for lab runs pin that
 * release and its default node image, Kubernetes 1.33 — the minor every supported Cilium lists as
 * tested, and an image the preflight accepts on a cgroup v1 engine too. From the compatibility
 * table, not a copy of its digest.
 */
export const labKindRow = compatTable.find((row) => row.kind === 'v0.29.0' && row.defaultImage)!;

/** A minimal lab.yaml on the lab's kind: `announce` and `workers` when given, every other field its default. */
export function labPlanYaml(name: string, options: { announce?: 'l2' | 'bgp'; workers?: number } = {}): string {
  return [
    ...(options.announce ? [`announce: ${options.announce}`] : []),
    'cluster:',
    `  name: ${name}`,
    `  kindVersion: ${labKindRow.kind}`,
    `  nodeImage: ${labKindRow.image}`,
    ...(options.workers !== undefined ? [`  workers: ${options.workers}`] : []),
    '',
  ].join('\n');
}
