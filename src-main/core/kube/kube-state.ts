import type { KubeConfig } from '@kubernetes/client-node';
import type { z } from 'zod';
import { Emitter, DisposableStore, type Disposable } from '../util/emitter';
import type { Logger } from '../util/logger';
import { KubeHttp } from './kube-http';
import { KubeInformer, type InformerState } from './kube-informer';
import * as t from './kube-types';

/**
 * What Kindscope follows of one cluster, each with its path and schema. Namespaced ones are
 * read only where Cilium and kubeadm keep what matters (kube-system).
 */
const resources = {
  nodes: { path: '/api/v1/nodes', schema: t.KubeNode },
  services: { path: '/api/v1/services', schema: t.KubeService },
  endpointSlices: { path: '/apis/discovery.k8s.io/v1/endpointslices', schema: t.KubeEndpointSlice },
  leases: { path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', schema: t.KubeLease },
  configMaps: { path: '/api/v1/namespaces/kube-system/configmaps', schema: t.KubeConfigMap },
  daemonSets: { path: '/apis/apps/v1/namespaces/kube-system/daemonsets', schema: t.KubeDaemonSet },
  deployments: { path: '/apis/apps/v1/namespaces/kube-system/deployments', schema: t.KubeDeployment },
  pods: { path: '/api/v1/namespaces/kube-system/pods', schema: t.KubePod },
  // Pools are served as v2alpha1 and, from Cilium 1.16, v2 too: both are followed and v2 preferred.
  poolsV2: { path: '/apis/cilium.io/v2/ciliumloadbalancerippools', schema: t.KubeIpPool },
  poolsV2alpha1: { path: '/apis/cilium.io/v2alpha1/ciliumloadbalancerippools', schema: t.KubeIpPool },
  policies: { path: '/apis/cilium.io/v2alpha1/ciliuml2announcementpolicies', schema: t.KubeL2Policy },
  crds: { path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', schema: t.KubeCrd },
} as const;

export type ResourceName = keyof typeof resources;
type Item<N extends ResourceName> = z.infer<(typeof resources)[N]['schema']>;

/**
 * The Kubernetes state at one moment, typed. A list is `undefined` while the resource is
 * unknown (never listed); `absent` names CRDs the API server does not serve (404).
 */
export interface KubeSnapshot {
  nodes?: t.KubeNode[];
  services?: t.KubeService[];
  endpointSlices?: t.KubeEndpointSlice[];
  leases?: t.KubeLease[];
  configMaps?: t.KubeConfigMap[];
  daemonSets?: t.KubeDaemonSet[];
  deployments?: t.KubeDeployment[];
  pods?: t.KubePod[];
  pools?: t.KubeIpPool[];
  policies?: t.KubeL2Policy[];
  /** Cilium CRDs not served: `pools`, `policies`. */
  absent: ('pools' | 'policies')[];
}

export interface StreamStatus {
  resource: string;
  state: InformerState['state'];
  reason?: string;
}

export interface KubeStateOptions {
  config: KubeConfig;
  log: Logger;
  deadlineMs?: number;
  requestTimeoutMs?: number;
}

/**
 * Informers for one cluster's context and typed accessors over them. Knows nothing of
 * Docker or of what the objects mean (that is `core/diagnose`).
 */
export class KubeState implements Disposable {
  private readonly informers: { [N in ResourceName]: KubeInformer<Item<N>> };
  private readonly changed = new Emitter<void>();
  /** Fires (unthrottled) on every item or state change of any informer. */
  readonly onDidChange = this.changed.event;
  private readonly store = new DisposableStore();
  readonly http: KubeHttp;

  constructor(options: KubeStateOptions) {
    this.http = new KubeHttp(options.config);
    const make = <N extends ResourceName>(name: N): KubeInformer<Item<N>> => {
      const informer = new KubeInformer<Item<N>>({
        name,
        path: resources[name].path,
        http: this.http,
        parse: t.parserOf(resources[name].schema) as (raw: unknown) => Item<N> | undefined,
        log: options.log,
        ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
        ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      });
      this.store.add(informer);
      this.store.add(informer.onDidChange(() => this.changed.fire()));
      return informer;
    };
    this.informers = Object.fromEntries(
      (Object.keys(resources) as ResourceName[]).map((name) => [name, make(name)]),
    ) as never;
    // A Cilium CRD that appears (helm install) is listed again at once: "not installed" is re-checked.
    // Both orders count: the CRD list may arrive before the resource's own 404 (its list was sent
    // before the CRD was served), and that 404 must not then stand for good. Once per CRD version,
    // so a version the CRD does not serve (v2 pools on 1.16) is not asked again and again.
    const rechecked = new Map<string, string>();
    const recheckIfServed = (name: 'poolsV2' | 'poolsV2alpha1' | 'policies') => {
      const informer = this.informers[name];
      if (informer.state.state !== 'absent') return;
      const plural = resources[name].path.split('/').at(-1)!;
      const crd = (this.informers.crds.items() ?? []).find((c) => c.metadata.name === `${plural}.cilium.io`);
      if (!crd) return;
      const version = crd.metadata.resourceVersion ?? 'listed';
      if (rechecked.get(name) === version) return;
      rechecked.set(name, version);
      informer.recheck();
    };
    const ciliumResources = ['poolsV2', 'poolsV2alpha1', 'policies'] as const;
    this.store.add(this.informers.crds.onDidChange(() => ciliumResources.forEach(recheckIfServed)));
    for (const name of ciliumResources) this.store.add(this.informers[name].onDidChange(() => recheckIfServed(name)));
  }

  start(): void {
    for (const informer of Object.values(this.informers)) informer.start();
  }

  /** Every stream's state, for the model's `streams` and its `connection`. */
  streams(): StreamStatus[] {
    return (Object.values(this.informers) as KubeInformer<never>[]).map((informer) => {
      const s = informer.state;
      return { resource: informer.name, state: s.state, ...('reason' in s && s.reason ? { reason: s.reason } : {}) };
    });
  }

  /** True when every resource is listed and live, or known absent. */
  get complete(): boolean {
    return this.streams().every((s) => s.state === 'live' || s.state === 'absent');
  }

  snapshot(): KubeSnapshot {
    const i = this.informers;
    const v2 = i.poolsV2.items();
    const pools = v2 ?? i.poolsV2alpha1.items();
    const absent: KubeSnapshot['absent'] = [];
    if (i.poolsV2.state.state === 'absent' && i.poolsV2alpha1.state.state === 'absent') absent.push('pools');
    if (i.policies.state.state === 'absent') absent.push('policies');
    return {
      ...defined('nodes', i.nodes.items()),
      ...defined('services', i.services.items()),
      ...defined('endpointSlices', i.endpointSlices.items()),
      ...defined('leases', i.leases.items()),
      ...defined('configMaps', i.configMaps.items()),
      ...defined('daemonSets', i.daemonSets.items()),
      ...defined('deployments', i.deployments.items()),
      ...defined('pods', i.pods.items()),
      ...defined('pools', pools),
      ...defined('policies', i.policies.items()),
      absent,
    };
  }

  dispose(): void {
    this.store.dispose();
    this.changed.dispose();
  }
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
