import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LabPlan } from '../../../contract';
import { renderScript } from './script';
import { labArtifacts, labSteps } from './steps';

const plan = LabPlan.parse({ announce: 'bgp', cluster: { name: 'demo', workers: 2 } });
const pool = '10.250.250.128/25';
const artifacts = labArtifacts(plan, pool);
const text = renderScript(plan, artifacts, labSteps(plan, artifacts), pool);

describe('the standalone script in BGP mode', () => {
  it('passes bash -n and shellcheck', () => {
    const syntax = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).toBe(0);
    const lint = spawnSync('shellcheck', ['--shell=bash', '-'], { input: text, encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(lint.status, lint.stdout).toBe(0);
  });

  it('builds the same lab with plain commands: the pool network, the router, its files with the kind subnet, the BGP objects with its address', () => {
    expect(text).toContain(
      'docker network create --driver bridge --subnet 10.250.250.0/24 --ip-range 10.250.250.0/25 --gateway 10.250.250.1',
    );
    expect(text).toMatch(
      /docker create --name demo-router .*--network "\$kind_network" --cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN/,
    );
    expect(text).not.toContain('--privileged');
    expect(text).toContain('sed "s|KIND-SUBNET-AT-RUN-TIME|$kind_subnet|" "$workdir/router-frr.conf"');
    expect(text).toMatch(/router_address="\$\(docker inspect/);
    expect(text).toContain('sed "s|ROUTER-ADDRESS-AT-RUN-TIME|$router_address|" <<');
    expect(text).toContain('kind: CiliumBGPClusterConfig');
    // No L2 policy, and the pool is the plan's, not carved from the kind network.
    expect(text).not.toContain('CiliumL2AnnouncementPolicy');
    expect(text).toContain('pool_cidr=10.250.250.128/25');
    expect(text).not.toContain('carve_pool');
  });
});
