import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../contract';
import { fakeClusterStatus, fakeService } from '../../contract/cluster-status.fake';
import { createMemoryLogger } from '../util/logger';
import { runFailoverDrill } from './failover-drill';

// Any use of Docker fails the test: a refused drill must stop nothing.
const untouchableDocker = new Proxy({} as Docker, {
  get: (_target, key) => {
    throw new Error(`the drill touched Docker (${String(key)}) although it should have refused`);
  },
});

function status(nodes: ClusterStatus['nodes']): ClusterStatus {
  return fakeClusterStatus({
    nodes,
    cilium: {
      installed: true,
      state: 'installed',
      agents: { ready: 2, desired: 2 },
      operator: { ready: 1, desired: 1 },
      l2Announcements: true,
    },
    services: [
      fakeService({
        externalIPs: ['172.18.250.1'],
        holder: 'demo-worker',
        leaseHolder: { node: 'demo-worker', lease: 'cilium-l2announce-default-web' },
      }),
    ],
    policies: [
      {
        name: 'policy1',
        interfaces: ['^eth[0-9]+'],
        loadBalancerIPs: true,
        externalIPs: true,
        nodeSelector: {
          matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }],
        },
      },
    ],
  });
}

const drill = (s: ClusterStatus, service = 'web') =>
  runFailoverDrill(
    {
      docker: untouchableDocker,
      statusOf: async () => s,
      ciliumValues: async () => ({}),
      capturesDir: '/nonexistent',
      log: createMemoryLogger(),
    },
    { cluster: 'demo', namespace: 'default', service },
  );

describe('the failover drill refuses before stopping anything', () => {
  it('when the only other node is the control-plane the policy excludes', async () => {
    const oneWorker = status([
      { name: 'demo-control-plane', roles: ['control-plane'], ready: true, podCIDRs: [] },
      { name: 'demo-worker', roles: ['worker'], ready: true, podCIDRs: [] },
    ]);
    await expect(drill(oneWorker)).rejects.toThrow(
      "Refusing the drill: no other node is Ready and selected by the L2 policy (demo-control-plane: control-plane, excluded by the policy's nodeSelector)",
    );
  });

  it('when the service is not there, naming the command that lists them', async () => {
    await expect(drill(status([]), 'nope')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      hint: expect.stringContaining('kindscope status --cluster demo'),
    });
  });
});
