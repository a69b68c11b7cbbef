/** What the API server fills in on create: CRD status, namespace phase, service IPs and ports, deployment replicas. */
import type { ResourceType } from './registry.ts';
import { ApiError, type ObjectStore } from './store.ts';

import type { KubeObject as Obj } from './kube-object.ts';

export function prepareCreate(store: ObjectStore, types: ResourceType[], type: ResourceType, object: Obj): Obj {
  if (type.plural === 'customresourcedefinitions') {
    object.status = {
      acceptedNames: object.spec?.names ?? {},
      storedVersions: ((object.spec?.versions ?? []) as Obj[]).filter((v) => v.storage).map((v) => v.name),
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: new Date().toISOString(),
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: new Date().toISOString(),
        },
      ],
    };
  }
  if (type.plural === 'namespaces') object.status = { phase: 'Active' };
  if (type.plural === 'services') {
    object.spec = { type: 'ClusterIP', sessionAffinity: 'None', ...object.spec };
    object.spec.ports = ((object.spec.ports ?? []) as Obj[]).map((port) => ({
      protocol: 'TCP',
      targetPort: port.port,
      ...port,
    }));
    if (!object.spec.clusterIP) {
      object.spec.clusterIP = allocateClusterIp(store, types);
      object.spec.clusterIPs = [object.spec.clusterIP];
    }
    if (object.spec.type === 'LoadBalancer' || object.spec.type === 'NodePort') {
      object.spec.ports = (object.spec.ports as Obj[]).map((port) => ({
        ...port,
        nodePort: port.nodePort ?? allocateNodePort(store, types),
      }));
      object.spec.externalTrafficPolicy ??= 'Cluster';
    }
    object.status ??= { loadBalancer: {} };
  }
  if (type.plural === 'deployments') {
    object.spec = { replicas: 1, ...object.spec };
    object.status ??= {};
  }
  return object;
}

function allocateClusterIp(store: ObjectStore, types: ResourceType[]): string {
  const used = new Set(
    store.list(types.find((t) => t.group === '' && t.plural === 'services')!).map((s) => s.spec?.clusterIP),
  );
  for (let i = 10; i < 65000; i += 1) {
    const ip = `10.96.${Math.floor(i / 254)}.${(i % 254) + 1}`;
    if (!used.has(ip)) return ip;
  }
  throw new ApiError(500, 'InternalError', 'no cluster IPs left');
}

function allocateNodePort(store: ObjectStore, types: ResourceType[]): number {
  const used = new Set(
    store
      .list(types.find((t) => t.group === '' && t.plural === 'services')!)
      .flatMap((s) => ((s.spec?.ports ?? []) as Obj[]).map((p) => p.nodePort)),
  );
  for (let port = 30000 + Math.floor(Math.random() * 2000); ; port = port >= 32767 ? 30000 : port + 1)
    if (!used.has(port)) return port;
}
