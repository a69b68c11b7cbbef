import { describe, expect, it } from 'vitest';
import { nodeAddressChanged } from './cilium-rules';
import type { DiagnoseInput } from './diagnose-input';
import { healthy, node } from './test-objects';

/** Kubernetes' InternalIP (the claim) for each node, and Docker's address of its container now (the fact). */
function lab(rows: { name: string; internalIP?: string; docker?: string; running?: boolean }[]): DiagnoseInput {
  const input = healthy();
  input.kube.nodes = rows.map((row) => ({
    ...node(row.name),
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      ...(row.internalIP ? { addresses: [{ type: 'InternalIP', address: row.internalIP }] } : {}),
    },
  }));
  input.topology!.nodes = rows.map((row) => ({
    name: row.name,
    state: row.running === false ? 'exited' : 'running',
    running: row.running !== false,
    ...(row.docker ? { ipv4: row.docker } : {}),
  }));
  return input;
}

describe('node addresses: the claim (InternalIP) against the fact (the container now)', () => {
  it.each([
    ['same address', [{ name: 'w', internalIP: '172.18.0.3', docker: '172.18.0.3' }], []],
    ['no InternalIP yet', [{ name: 'w', docker: '172.18.0.3' }], []],
    ['stopped container (no address now)', [{ name: 'w', internalIP: '172.18.0.3', running: false }], []],
    ['Docker address unknown', [{ name: 'w', internalIP: '172.18.0.3' }], []],
    [
      'changed after a restart',
      [{ name: 'w', internalIP: '172.18.0.8', docker: '172.18.0.4' }],
      [/w now has 172\.18\.0\.4 on Docker, but Kubernetes still has 172\.18\.0\.8/],
    ],
    [
      'the old address went to another node',
      [
        { name: 'w', internalIP: '172.18.0.8', docker: '172.18.0.4' },
        { name: 'w2', internalIP: '172.18.0.4', docker: '172.18.0.8' },
      ],
      [/172\.18\.0\.8 now belongs to w2/, /172\.18\.0\.4 now belongs to w\b/],
    ],
  ] as const)('%s', (_, rows, messages) => {
    const findings = nodeAddressChanged(lab([...rows]));
    expect(findings.map((f) => f.code)).toEqual(messages.map(() => 'node-ip-changed'));
    messages.forEach((pattern, i) => expect(findings[i]!.message).toMatch(pattern));
    for (const f of findings) expect(f.fix).toMatch(/kindscope stop --cluster demo.*kind#2045/);
  });

  it('an IPv6 InternalIP is not compared with the IPv4 address', () => {
    const input = lab([{ name: 'w', docker: '172.18.0.3' }]);
    input.kube.nodes![0]!.status!.addresses = [{ type: 'InternalIP', address: 'fc00:f853:ccd:e793::3' }];
    expect(nodeAddressChanged(input)).toEqual([]);
  });
});
