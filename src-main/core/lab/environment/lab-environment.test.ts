import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage, labLabel } from '../../../../e2e/lab/images.ts';
import { labInstance } from '../../../../e2e/lab/lab-paths.ts';
import { docker, requireDocker, tryDocker } from '../../../../e2e/lab/require-docker.ts';
import { createDockerClient } from '../../docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../../docker/docker-endpoint';
import { readLabEnvironment } from './lab-environment';
import { defaultPlan } from '../plan/plan';
import { carvePool } from '../plan/pool-carve';
import { validatePlan } from '../plan/validate-plan';

/**
 * Against the real engine: a network of this test's own (never the shared `kind`
 * network) with two "nodes" of a cluster of its own, labelled as kind labels them.
 */
const suffix = randomBytes(3).toString('hex');
const network = `i14-env-${suffix}`;
const cluster = `i14-env-${suffix}`;
const containers: string[] = [];
let subnet = '';

beforeAll(() => {
  requireDocker();
  const image = ensureBusyboxImage();
  // A /24 Docker picks from its own pools would be fine too; asking for one keeps the test
  // about a small network, where the carve must fall back to a smaller block.
  for (const third of [117, 118, 119, 120, 121]) {
    const created = tryDocker([
      'network',
      'create',
      '--label',
      `${labLabel}=${labInstance()}`,
      '--subnet',
      `172.29.${third}.0/24`,
      network,
    ]);
    if (created.status === 0) {
      subnet = `172.29.${third}.0/24`;
      break;
    }
  }
  if (!subnet) throw new Error(`could not create the test network ${network}`);
  for (const role of ['control-plane', 'worker']) {
    const name = `${cluster}-${role}`;
    docker([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      network,
      '--label',
      `io.x-k8s.kind.cluster=${cluster}`,
      '--label',
      `io.x-k8s.kind.role=${role}`,
      '--label',
      `${labLabel}=${labInstance()}`,
      image,
      'sleep',
      '600',
    ]);
    containers.push(name);
  }
});

afterAll(() => {
  for (const name of containers) tryDocker(['rm', '-f', name]);
  tryDocker(['network', 'rm', network]);
});

describe('readLabEnvironment (real engine)', () => {
  const client = () => createDockerClient(resolveDockerEndpoint(defaultEndpointEnvironment()));

  it('reads the subnet, the gateway, every container address and the cluster, as docker inspect shows them', async () => {
    const env = await readLabEnvironment(client(), network);
    const config = JSON.parse(docker(['network', 'inspect', network, '--format', '{{json .IPAM.Config}}'])) as {
      Subnet: string;
      Gateway?: string;
    }[];
    const id = docker(['network', 'inspect', network, '--format', '{{.Id}}']).trim();
    const dockerSubnet = config[0]!.Subnet;
    // Created without --gateway, the network lists none; the bridge has the first address.
    expect(config[0]!.Gateway).toBeUndefined();
    const gateway = subnet.replace('.0/24', '.1');
    expect(spawnSync('ip', ['-4', 'addr', 'show', `br-${id.slice(0, 12)}`], { encoding: 'utf8' }).stdout).toContain(
      `inet ${gateway}/24`,
    );
    expect(env.network).toEqual({ subnet: dockerSubnet, gateway });
    for (const name of containers) {
      const address = docker([
        'inspect',
        name,
        '--format',
        `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
      ]).trim();
      expect(env.used).toContainEqual({ cidr: `${address}/32`, what: `node ${name}` });
    }
    expect(env.used).toContainEqual({ cidr: `${gateway}/32`, what: 'the network gateway (this machine)' });
    expect(env.clusters.get(cluster)?.sort()).toEqual([...containers].sort());
    expect(env.clustersOnNetwork).toContain(cluster);
  });

  it('carves a block of that network that overlaps no container, and refuses the taken name', async () => {
    const env = await readLabEnvironment(client(), network);
    const carved = carvePool(env.network!.subnet, env.used);
    expect(carved).toEqual({ ok: true, cidr: subnet.replace('.0/24', '.128/26') });
    const taken = validatePlan(defaultPlan(cluster), env).findings;
    expect(taken.map((f) => f.code)).toContain('name-taken');
  });

  it('a network that does not exist yet is no error: the plan says the run carves the pool once kind made it', async () => {
    const env = await readLabEnvironment(client(), `i14-missing-${suffix}`);
    expect(env.network).toBeUndefined();
    const result = validatePlan(defaultPlan('i14-fresh'), env);
    expect(result.findings.map((f) => [f.code, f.severity])).toEqual([['pool-carved-at-run', 'info']]);
    expect(result.findings[0]!.message).toContain(`the \`i14-missing-${suffix}\` network once kind creates it`);
  });
});
