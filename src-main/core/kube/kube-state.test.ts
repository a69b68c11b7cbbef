import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../util/logger';
import { KubeHttpError } from './kube-http';
import { KubeState } from './kube-state';

const config = () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
};

const crd = (plural: string, resourceVersion = '7') => ({
  metadata: { name: `${plural}.cilium.io`, resourceVersion },
  spec: { group: 'cilium.io' },
});
const policy = { metadata: { name: 'lab-l2', resourceVersion: '9' }, spec: { interfaces: ['^eth[0-9]+'] } };

/**
 * An API server that registered the L2 policy CRD between two lists: the CRD list already
 * names it, the policies list (sent earlier) answers 404. `served` says which of Cilium's
 * resources answer from then on.
 */
function state(served: { policies: boolean; poolsV2: boolean }) {
  const kube = new KubeState({ config: config(), log: createMemoryLogger() });
  const calls: string[] = [];
  let crdsListed!: () => void;
  const crdsDone = new Promise<void>((resolve) => (crdsListed = resolve));
  Object.assign(kube.http, {
    list: async (path: string) => {
      calls.push(path);
      const plural = path.split('/').at(-1)!;
      if (plural === 'customresourcedefinitions') {
        setTimeout(crdsListed, 0);
        return {
          items: [crd('ciliuml2announcementpolicies'), crd('ciliumloadbalancerippools')],
          resourceVersion: '10',
        };
      }
      if (plural === 'ciliuml2announcementpolicies') {
        const first = calls.filter((c) => c === path).length === 1;
        if (first) {
          // Sent before the CRD was served: its 404 arrives after the CRD list.
          await crdsDone;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        if (first || !served.policies) throw new KubeHttpError(404, `HTTP 404 on ${path}`);
        return { items: [policy], resourceVersion: '10' };
      }
      if (path.includes('/cilium.io/v2/') && !served.poolsV2) throw new KubeHttpError(404, `HTTP 404 on ${path}`);
      return { items: [], resourceVersion: '10' };
    },
    watch: async () => new AbortController(),
  });
  return { kube, calls };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('KubeState and Cilium CRDs served late', () => {
  it('a 404 that arrives after the CRD list named the CRD is re-checked: the policy is seen, not "absent" for good', async () => {
    const { kube, calls } = state({ policies: true, poolsV2: true });
    kube.start();
    await until(() => (kube.snapshot().policies ?? []).length > 0);
    expect(kube.snapshot().absent).toEqual([]);
    expect(kube.snapshot().policies?.map((p) => p.metadata.name)).toEqual(['lab-l2']);
    expect(calls.filter((c) => c.endsWith('/ciliuml2announcementpolicies'))).toHaveLength(2);
    kube.dispose();
  });

  it('a version the CRD does not serve is asked once more per CRD version, not again and again', async () => {
    const { kube, calls } = state({ policies: true, poolsV2: false });
    kube.start();
    await until(() => (kube.snapshot().policies ?? []).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls.filter((c) => c === '/apis/cilium.io/v2/ciliumloadbalancerippools').length).toBeLessThanOrEqual(2);
    expect(kube.streams().find((s) => s.resource === 'poolsV2')?.state).toBe('absent');
    kube.dispose();
  });
});
