import { CoreV1Api, KubeConfig, ListWatch, Watch, type V1Node, type V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLabCluster, type LabCluster } from '../lab-cluster.ts';
import { kubectlOk, labApi } from '../lab-api.ts';

let cluster: LabCluster;
let kubeConfig: KubeConfig;

beforeAll(async () => {
  cluster = await startLabCluster({ workers: 1 });
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfig);
  kubeConfig.setCurrentContext(`kind-${cluster.name}`);
});

afterAll(async () => {
  await cluster?.down();
});

/**
 * A client-node informer as the product runs one: restarted after an error (client-node
 * stops an informer on errors), with a short inactivity timeout so a stalled watch is
 * noticed quickly.
 */
function serviceInformer(inactivityMs = 2_000) {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const watch = new Watch(kubeConfig);
  // client-node's watch inactivity timeout (30 s) is private in its typings; shortened
  // here so a stalled watch is noticed within the test's deadline.
  Object.assign(watch, { requestTimeoutMs: inactivityMs });
  const informer = new ListWatch<V1Service>(
    '/api/v1/namespaces/default/services',
    watch,
    () => api.listNamespacedService({ namespace: 'default' }),
    false,
  );
  let stopped = false;
  informer.on('error', () => {
    if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 300);
  });
  void informer.start();
  const names = () =>
    informer
      .list()
      .map((s) => s.metadata?.name)
      .sort();
  return {
    informer,
    names,
    stop: () => {
      stopped = true;
      void informer.stop();
    },
  };
}

/** What a fresh list says, to compare the cache with. */
function freshServiceNames(): string[] {
  return JSON.parse(kubectlOk(cluster, ['get', 'svc', '-n', 'default', '-o', 'json']))
    .items.map((s: V1Service) => s.metadata?.name)
    .sort();
}

const eventually = (fn: () => void) => vi.waitFor(fn, { timeout: 30_000, interval: 100 });

describe('@kubernetes/client-node informers against the lab API server', () => {
  it('a node informer lists the nodes with their pod CIDRs', async () => {
    const api = kubeConfig.makeApiClient(CoreV1Api);
    const informer = new ListWatch<V1Node>('/api/v1/nodes', new Watch(kubeConfig), () => api.listNode(), false);
    await informer.start();
    try {
      expect(
        informer
          .list()
          .map((n) => n.spec?.podCIDR)
          .sort(),
      ).toEqual(['10.244.0.0/24', '10.244.1.0/24']);
    } finally {
      await informer.stop();
    }
  });

  it('stays in sync across an API server stop and restart (objects persisted)', async () => {
    const { names, stop } = serviceInformer();
    try {
      kubectlOk(cluster, ['create', 'service', 'clusterip', 'before-restart', '--tcp=80:80']);
      await eventually(() => expect(names()).toContain('before-restart'));
      const api = labApi(cluster);
      api.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await api.start();
      kubectlOk(cluster, ['create', 'service', 'clusterip', 'after-restart', '--tcp=80:80']);
      kubectlOk(cluster, ['delete', 'service', 'before-restart']);
      await eventually(() => expect(names()).toEqual(freshServiceNames()));
      expect(names()).toContain('after-restart');
      expect(names()).not.toContain('before-restart');
    } finally {
      stop();
    }
  });

  it.each([
    ['an in-stream ERROR event', 'event', 'after-410'],
    ['an HTTP status on the watch request', 'http', 'after-http-410'],
  ] as const)('relists after a 410 given as %s and misses nothing', async (_how, mode, name) => {
    const { names, stop } = serviceInformer();
    try {
      await eventually(() => expect(names()).toEqual(freshServiceNames()));
      const api = labApi(cluster);
      await api.fault({ action: 'expire-next-watch', mode });
      await api.fault({ action: 'close-watches' });
      kubectlOk(cluster, ['create', 'service', 'clusterip', name, '--tcp=80:80']);
      await eventually(() => expect(names()).toEqual(freshServiceNames()));
      expect(names()).toContain(name);
    } finally {
      stop();
    }
  });

  it('resumes after a stalled watch: the inactivity timeout fires and the missed events arrive', async () => {
    const { names, stop } = serviceInformer(2_000);
    try {
      await eventually(() => expect(names()).toEqual(freshServiceNames()));
      await labApi(cluster).fault({ action: 'stall-watches' });
      kubectlOk(cluster, ['create', 'service', 'clusterip', 'during-stall', '--tcp=80:80']);
      kubectlOk(cluster, ['delete', 'service', 'after-restart']);
      await eventually(() => expect(names()).toEqual(freshServiceNames()));
      expect(names()).toContain('during-stall');
    } finally {
      stop();
    }
  });
});
