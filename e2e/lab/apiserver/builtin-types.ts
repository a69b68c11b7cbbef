/**
 * The built-in resource types the lab API server serves (LAB.md §2), each with the columns
 * `kubectl get` prints for it (server-side Table output); CRDs add theirs at run time
 * (registry.ts).
 */
import type { KubeObject as Obj } from './kube-object.ts';
import { ageColumn, col, humanDuration, nameColumn, type Column, type ResourceType } from './registry.ts';

function conditionStatus(o: Obj, type: string): string | undefined {
  return (o.status?.conditions as Obj[] | undefined)?.find((c) => c.type === type)?.status;
}

function servicePorts(o: Obj): string {
  const ports = (o.spec?.ports ?? []) as Obj[];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function externalIp(o: Obj): string {
  const type = o.spec?.type ?? 'ClusterIP';
  const external = (o.spec?.externalIPs ?? []) as string[];
  const ingress = ((o.status?.loadBalancer?.ingress ?? []) as Obj[])
    .map((i) => i.ip ?? i.hostname)
    .filter(Boolean) as string[];
  if (type === 'LoadBalancer') {
    const all = [...ingress, ...external];
    return all.length > 0 ? all.join(',') : '<pending>';
  }
  if (type === 'ExternalName') return o.spec?.externalName ?? '<none>';
  return external.length > 0 ? external.join(',') : '<none>';
}

function nodeRoles(o: Obj): string {
  const roles = Object.keys(o.metadata?.labels ?? {})
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length))
    .filter(Boolean);
  return roles.length > 0 ? roles.sort().join(',') : '<none>';
}

function podReady(o: Obj): string {
  const statuses = (o.status?.containerStatuses ?? []) as Obj[];
  const total = (o.spec?.containers ?? []).length;
  return `${statuses.filter((s) => s.ready).length}/${total}`;
}

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames: string[],
  columns: Column[],
  hasStatus = true,
): ResourceType {
  return {
    group,
    version,
    servedVersions: [version],
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories: ['all'].filter(() => ['pods', 'services', 'deployments', 'daemonsets', 'replicasets'].includes(plural)),
    hasStatus,
    columns: [nameColumn, ...columns],
  };
}

export function builtinTypes(): ResourceType[] {
  return [
    builtin(
      '',
      'v1',
      'Namespace',
      'namespaces',
      false,
      ['ns'],
      [col('Status', (o) => o.status?.phase ?? 'Active'), ageColumn],
    ),
    builtin(
      '',
      'v1',
      'Node',
      'nodes',
      false,
      ['no'],
      [
        col(
          'Status',
          (o) =>
            (conditionStatus(o, 'Ready') === 'True' ? 'Ready' : 'NotReady') +
            (o.spec?.unschedulable ? ',SchedulingDisabled' : ''),
        ),
        col('Roles', nodeRoles),
        ageColumn,
        col('Version', (o) => o.status?.nodeInfo?.kubeletVersion ?? ''),
        col(
          'Internal-IP',
          (o) => ((o.status?.addresses ?? []) as Obj[]).find((a) => a.type === 'InternalIP')?.address ?? '<none>',
          1,
        ),
        col(
          'External-IP',
          (o) => ((o.status?.addresses ?? []) as Obj[]).find((a) => a.type === 'ExternalIP')?.address ?? '<none>',
          1,
        ),
        col('OS-Image', (o) => o.status?.nodeInfo?.osImage ?? '', 1),
        col('Kernel-Version', (o) => o.status?.nodeInfo?.kernelVersion ?? '', 1),
        col('Container-Runtime', (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '', 1),
      ],
    ),
    builtin(
      '',
      'v1',
      'Pod',
      'pods',
      true,
      ['po'],
      [
        col('Ready', podReady),
        col('Status', (o) => (o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? 'Pending'))),
        col(
          'Restarts',
          (o) => ((o.status?.containerStatuses ?? []) as Obj[]).reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
          0,
          'integer',
        ),
        ageColumn,
        col('IP', (o) => o.status?.podIP ?? '<none>', 1),
        col('Node', (o) => o.spec?.nodeName ?? '<none>', 1),
        col('Nominated Node', () => '<none>', 1),
        col('Readiness Gates', () => '<none>', 1),
      ],
    ),
    builtin(
      '',
      'v1',
      'Service',
      'services',
      true,
      ['svc'],
      [
        col('Type', (o) => o.spec?.type ?? 'ClusterIP'),
        col('Cluster-IP', (o) => o.spec?.clusterIP ?? '<none>'),
        col('External-IP', externalIp),
        col('Port(s)', servicePorts),
        ageColumn,
        col(
          'Selector',
          (o) =>
            Object.entries(o.spec?.selector ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(',') || '<none>',
          1,
        ),
      ],
    ),
    builtin(
      '',
      'v1',
      'Endpoints',
      'endpoints',
      true,
      ['ep'],
      [
        col(
          'Endpoints',
          (o) =>
            ((o.subsets ?? []) as Obj[])
              .flatMap((s) =>
                ((s.addresses ?? []) as Obj[]).flatMap((a) =>
                  ((s.ports ?? [{}]) as Obj[]).map((p) => `${a.ip}${p.port ? `:${p.port}` : ''}`),
                ),
              )
              .join(',') || '<none>',
        ),
        ageColumn,
      ],
      false,
    ),
    builtin(
      '',
      'v1',
      'ConfigMap',
      'configmaps',
      true,
      ['cm'],
      [col('Data', (o) => Object.keys(o.data ?? {}).length, 0, 'integer'), ageColumn],
      false,
    ),
    builtin(
      '',
      'v1',
      'Secret',
      'secrets',
      true,
      [],
      [
        col('Type', (o) => o.type ?? 'Opaque'),
        col('Data', (o) => Object.keys(o.data ?? {}).length, 0, 'integer'),
        ageColumn,
      ],
      false,
    ),
    builtin(
      '',
      'v1',
      'ServiceAccount',
      'serviceaccounts',
      true,
      ['sa'],
      [col('Secrets', () => 0, 0, 'integer'), ageColumn],
      false,
    ),
    builtin(
      '',
      'v1',
      'Event',
      'events',
      true,
      ['ev'],
      [
        col('Last Seen', (o, now) =>
          humanDuration(now - Date.parse(o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp)),
        ),
        col('Type', (o) => o.type ?? ''),
        col('Reason', (o) => o.reason ?? ''),
        col('Object', (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`),
        col('Message', (o) => o.message ?? ''),
      ],
      false,
    ),
    builtin(
      'discovery.k8s.io',
      'v1',
      'EndpointSlice',
      'endpointslices',
      true,
      [],
      [
        col('AddressType', (o) => o.addressType ?? ''),
        col('Ports', (o) => ((o.ports ?? []) as Obj[]).map((p) => p.port).join(',') || '<unset>'),
        col(
          'Endpoints',
          (o) => ((o.endpoints ?? []) as Obj[]).flatMap((e) => e.addresses ?? []).join(',') || '<unset>',
        ),
        ageColumn,
      ],
      false,
    ),
    builtin(
      'apps',
      'v1',
      'Deployment',
      'deployments',
      true,
      ['deploy'],
      [
        col('Ready', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`),
        col('Up-to-date', (o) => o.status?.updatedReplicas ?? 0, 0, 'integer'),
        col('Available', (o) => o.status?.availableReplicas ?? 0, 0, 'integer'),
        ageColumn,
      ],
    ),
    builtin(
      'apps',
      'v1',
      'ReplicaSet',
      'replicasets',
      true,
      ['rs'],
      [
        col('Desired', (o) => o.spec?.replicas ?? 0, 0, 'integer'),
        col('Current', (o) => o.status?.replicas ?? 0, 0, 'integer'),
        col('Ready', (o) => o.status?.readyReplicas ?? 0, 0, 'integer'),
        ageColumn,
      ],
    ),
    builtin(
      'apps',
      'v1',
      'DaemonSet',
      'daemonsets',
      true,
      ['ds'],
      [
        col('Desired', (o) => o.status?.desiredNumberScheduled ?? 0, 0, 'integer'),
        col('Current', (o) => o.status?.currentNumberScheduled ?? 0, 0, 'integer'),
        col('Ready', (o) => o.status?.numberReady ?? 0, 0, 'integer'),
        col('Up-to-date', (o) => o.status?.updatedNumberScheduled ?? 0, 0, 'integer'),
        col('Available', (o) => o.status?.numberAvailable ?? 0, 0, 'integer'),
        col(
          'Node Selector',
          (o) =>
            Object.entries(o.spec?.template?.spec?.nodeSelector ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(',') || '<none>',
        ),
        ageColumn,
      ],
    ),
    builtin(
      'coordination.k8s.io',
      'v1',
      'Lease',
      'leases',
      true,
      [],
      [col('Holder', (o) => o.spec?.holderIdentity ?? ''), ageColumn],
      false,
    ),
    builtin(
      'apiextensions.k8s.io',
      'v1',
      'CustomResourceDefinition',
      'customresourcedefinitions',
      false,
      ['crd', 'crds'],
      [col('Created At', (o) => o.metadata?.creationTimestamp ?? '', 0, 'date')],
    ),
  ];
}

/** Evaluates the JSONPath subset of additionalPrinterColumns: `.a.b`, `[0]`, `[?(@.k=="v")]`. */
