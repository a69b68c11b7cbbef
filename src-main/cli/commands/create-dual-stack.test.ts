import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labEnv } from '../../../e2e/lab/lab-cluster.ts';
import { requireDocker } from '../../../e2e/lab/require-docker.ts';
import { kindscope } from './kindscope-process';

/**
 * Issue 26 item 6: a dual-stack plan builds a dual-stack cluster. kind fills its dual defaults
 * only when the fields are empty (pkg/apis/config/v1alpha4/default.go), so the kind config
 * Kindscope writes names both families; kube-controller-manager then gives every node one pod
 * CIDR per family (an IPv4 /24 and an IPv6 /64). Before, the plan wrote an IPv4-only
 * podSubnet and the nodes got no IPv6 pod CIDR while Cilium's values enabled IPv6.
 *
 * On a kind network of the test's own (kind's KIND_EXPERIMENTAL_DOCKER_NETWORK), a fresh HOME
 * and data folder, through `kindscope create -f`, as a user would.
 */
const suffix = randomBytes(3).toString('hex');
const network = `ks-dual-${suffix}`;
const name = `dual-${suffix}`;
const home = mkdtempSync(join(tmpdir(), 'ks-dual-home-'));
const plan = join(home, 'lab.yaml');
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  requireDocker();
  env = labEnv({ HOME: home, KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  for (const key of ['KUBECONFIG', 'KINDSCOPE_HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME']) delete env[key];
  writeFileSync(plan, `cluster:\n  name: ${name}\n  ipFamily: dual\n  workers: 1\n`);
});

afterAll(() => {
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  rmSync(home, { recursive: true, force: true });
});

describe('a dual-stack lab', () => {
  it('kindscope plan writes both families in the kind config and IPv6 in the values', () => {
    const rendered = kindscope(['plan', '-f', plan, '--json'], env);
    expect(rendered.code, rendered.stderr).toBe(0);
    const out = JSON.parse(rendered.stdout) as { kindConfig: string; helmValues: { ipv6?: { enabled?: boolean } } };
    expect(out.kindConfig).toContain('podSubnet: 10.244.0.0/16,fd00:10:244::/56');
    expect(out.kindConfig).toContain('serviceSubnet: 10.96.0.0/16,fd00:10:96::/112');
    expect(out.helmValues.ipv6?.enabled).toBe(true);
  });

  it('kindscope create gives every node an IPv4 and an IPv6 pod CIDR', { timeout: 600_000 }, () => {
    const created = kindscope(['create', '-f', plan], env, 540_000);
    expect(created.code, `${created.stdout}\n${created.stderr}`).toBe(0);
    const nodes = spawnSync('kubectl', ['--context', `kind-${name}`, 'get', 'nodes', '-o', 'json'], {
      env,
      encoding: 'utf8',
    });
    expect(nodes.status, nodes.stderr).toBe(0);
    const items = (
      JSON.parse(nodes.stdout) as { items: { metadata: { name: string }; spec: { podCIDRs?: string[] } }[] }
    ).items;
    expect(items.map((n) => n.metadata.name).sort()).toEqual([`${name}-control-plane`, `${name}-worker`]);
    for (const node of items) {
      const cidrs = node.spec.podCIDRs ?? [];
      expect(cidrs, node.metadata.name).toHaveLength(2);
      expect(cidrs[0], node.metadata.name).toMatch(/^10\.244\.\d+\.0\/24$/);
      expect(cidrs[1], node.metadata.name).toMatch(/^fd00:10:244:(\w+:)?:\/64$/);
    }
    // One block per node and family: no two nodes share one.
    expect(new Set(items.flatMap((n) => n.spec.podCIDRs ?? [])).size).toBe(4);
  });
});
