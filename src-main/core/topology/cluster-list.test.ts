import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { summarizeClusters } from './cluster-list';

const container = (over: Partial<Docker.ContainerInfo> & { Labels: Record<string, string> }): Docker.ContainerInfo =>
  ({ Id: 'x', Names: [], Image: 'kindest/node:v1.33.1', State: 'running', Ports: [], ...over }) as Docker.ContainerInfo;
const cluster = 'io.x-k8s.kind.cluster';
const role = 'io.x-k8s.kind.role';

describe('summarizeClusters: kind clusters from container labels', () => {
  it('counts nodes and running nodes, collects networks, takes the API port and image from the control plane', () => {
    const summaries = summarizeClusters([
      container({
        Labels: { [cluster]: 'zeta', [role]: 'control-plane' },
        Ports: [{ IP: '127.0.0.1', PrivatePort: 6443, PublicPort: 40123, Type: 'tcp' }],
        NetworkSettings: { Networks: { kind: {} as Docker.NetworkInfo } },
      }),
      container({
        Labels: { [cluster]: 'zeta', [role]: 'worker' },
        State: 'exited',
        Image: 'sha256:abc',
        NetworkSettings: { Networks: { kind: {} as Docker.NetworkInfo, extra: {} as Docker.NetworkInfo } },
      }),
      container({ Labels: { [cluster]: 'alpha', [role]: 'control-plane' }, Image: 'sha256:re-pulled' }),
    ]);
    expect(summaries).toEqual([
      { name: 'alpha', nodes: 1, running: 1, networks: [] },
      {
        name: 'zeta',
        nodes: 2,
        running: 1,
        networks: ['kind', 'extra'],
        apiServer: { address: '127.0.0.1', port: 40123 },
        image: 'kindest/node:v1.33.1',
      },
    ]);
  });
});
