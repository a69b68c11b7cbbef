import { describe, expect, it } from 'vitest';
import { fakeClusterStatus } from '../../contract/cluster-status.fake';
import type { KubePod } from '../kube/kube-types';
import { ciliumReady } from '../lab/run/cluster-watch';
import { podReason } from './cilium-rules';

const pod = (status: KubePod['status']): KubePod => ({ metadata: { name: 'cilium-abcde' }, status });

describe('podReason (what kubectl get pods says in STATUS)', () => {
  it.each([
    [
      'an image pull backing off',
      pod({
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'cilium-agent',
            state: {
              waiting: {
                reason: 'ImagePullBackOff',
                message: 'Back-off pulling image "quay.io/cilium/cilium:v1.18.14"',
              },
            },
          },
        ],
      }),
      'ImagePullBackOff (Back-off pulling image "quay.io/cilium/cilium:v1.18.14")',
    ],
    [
      'a container being created',
      pod({
        phase: 'Pending',
        containerStatuses: [{ name: 'cilium-agent', state: { waiting: { reason: 'ContainerCreating' } } }],
      }),
      'ContainerCreating',
    ],
    [
      'a crash loop',
      pod({
        phase: 'Running',
        containerStatuses: [
          { name: 'cilium-agent', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      }),
      'CrashLoopBackOff',
    ],
    [
      'a container that exited',
      pod({
        phase: 'Running',
        containerStatuses: [{ name: 'cilium-agent', state: { terminated: { reason: 'Error', exitCode: 1 } } }],
      }),
      'Error (exit 1)',
    ],
    ['no container status yet', pod({ phase: 'Pending' }), 'Pending'],
  ])('%s', (_, input, expected) => {
    expect(podReason(input)).toBe(expected);
  });
});

describe("the pipeline's Cilium wait shows each not-ready pod's reason", () => {
  it('names the reason while waiting, and waits for CoreDNS too', () => {
    const status = fakeClusterStatus({
      nodes: [{ name: 'demo-control-plane', roles: [], ready: true, podCIDRs: [] }],
      findings: [
        {
          code: 'coredns-not-ready',
          message: 'CoreDNS has no ready pod: names do not resolve in the cluster (coredns-1: ContainerCreating)',
          fix: '',
        },
      ],
    });
    const check = ciliumReady(1)(status);
    expect(check.done).toBe(false);
    expect(check.detail).toContain('coredns-1: ContainerCreating');
    expect(ciliumReady(1)({ ...status, findings: [] }).done).toBe(true);
  });
});
