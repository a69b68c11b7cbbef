import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabPlan } from '../../../contract';
import type { LabEnvironment } from '../environment/lab-environment';
import { defaultPlan } from './plan';
import { carveFunctions } from './script-carve';
import { resolvePool } from './validate-plan';

/**
 * The script carves at run time with bash: it must carve what Kindscope carves (and refuse
 * what it refuses) from the same network. `docker` and `kubectl` here are stand-ins that
 * answer from a table, so each case runs the real bash functions against `resolvePool`.
 */
const dir = mkdtempSync(join(tmpdir(), 'script-carve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Network {
  subnet: string;
  gateway?: string;
  containers: string[];
  /** Other kind clusters on the network, with their pools' blocks. */
  others?: Record<string, string[]>;
}

/** Fake `docker` and `kubectl` answering the few questions the functions ask, from `network`. */
function fakes(network: Network): string {
  const bin = mkdtempSync(join(dir, 'bin-'));
  const others = network.others ?? {};
  const docker = `#!/usr/bin/env bash
case "$*" in
  *"{{.Subnet}}"*) echo "${network.subnet} fc00:f853:ccd:e793::/64 " ;;
  *"{{.Gateway}}"*) echo "${network.gateway ?? ''} " ;;
  *"{{.IPv4Address}}"*) echo "${network.containers.map((a) => `${a}/${network.subnet.split('/')[1]}`).join(' ')} " ;;
  "ps --all --quiet"*) ;;
  *'{{.Label "io.x-k8s.kind.cluster"}}'*) printf '%s\\n' ${Object.keys(others).join(' ')} ;;
  *) echo "fake docker: $*" >&2; exit 1 ;;
esac
`;
  const kubectl = `#!/usr/bin/env bash
case "$2" in
${Object.entries(others)
  .map(([cluster, blocks]) => `  kind-${cluster}) printf '%s\\n' ${blocks.join(' ')} ;;`)
  .join('\n')}
  *) exit 1 ;;
esac
`;
  writeFileSync(join(bin, 'docker'), docker);
  writeFileSync(join(bin, 'kubectl'), kubectl);
  chmodSync(join(bin, 'docker'), 0o755);
  chmodSync(join(bin, 'kubectl'), 0o755);
  return bin;
}

function bash(plan: LabPlan, network: Network, call: string) {
  const result = spawnSync('bash', ['-c', `set -euo pipefail\n${carveFunctions(plan)}\n${call}`], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${fakes(network)}:${process.env.PATH ?? ''}` },
  });
  if (result.error) throw new Error(`bash is needed for this test (${result.error.message})`);
  return { status: result.status, out: result.stdout.trim(), err: result.stderr.trim() };
}

/** The same network as Kindscope reads it. */
function environment(network: Network): LabEnvironment {
  const first = network.subnet.split('/')[0]!.split('.').map(Number);
  const gateway = network.gateway || `${first[0]}.${first[1]}.${first[2]}.${first[3]! + 1}`;
  return {
    networkName: 'kind',
    network: { subnet: network.subnet, gateway },
    used: [
      { cidr: `${gateway}/32`, what: 'the network gateway (this machine)' },
      ...network.containers.map((a) => ({ cidr: `${a}/32`, what: `container ${a}` })),
      ...Object.entries(network.others ?? {}).flatMap(([cluster, blocks]) =>
        blocks.map((cidr) => ({ cidr, what: `the pool of cluster "${cluster}"` })),
      ),
    ],
    clusters: new Map(),
    clustersOnNetwork: Object.keys(network.others ?? {}),
    problems: [],
  };
}

const networks: Record<string, Network> = {
  'a fresh /16': { subnet: '172.18.0.0/16', gateway: '172.18.0.1', containers: ['172.18.0.2', '172.18.0.3'] },
  'another subnet Docker chose': { subnet: '172.26.0.0/16', containers: ['172.26.0.2'] },
  "another cluster's pool on .250": {
    subnet: '172.18.0.0/16',
    gateway: '172.18.0.1',
    containers: ['172.18.0.2'],
    others: { old: ['172.18.250.0/24'], older: ['172.18.249.0/24'] },
  },
  'a container on .250': { subnet: '172.19.0.0/16', gateway: '172.19.0.1', containers: ['172.19.250.9'] },
  'a small /24': { subnet: '192.168.7.0/24', gateway: '192.168.7.1', containers: ['192.168.7.2', '192.168.7.250'] },
  'a /20': { subnet: '10.89.16.0/20', gateway: '10.89.16.1', containers: ['10.89.16.2'] },
  'a full /29': { subnet: '192.168.9.0/29', gateway: '192.168.9.1', containers: ['192.168.9.2'] },
};

describe("the script's carving is Kindscope's", () => {
  for (const [what, network] of Object.entries(networks)) {
    it(`carves what resolvePool carves: ${what}`, () => {
      const plan = defaultPlan('demo');
      const expected = resolvePool(plan, environment(network));
      const carved = bash(plan, network, 'carve_pool kind');
      if (expected.cidr) {
        expect(carved, carved.err).toMatchObject({ status: 0, out: expected.cidr });
      } else {
        expect(expected.findings.map((f) => f.code)).toEqual(['pool-no-room']);
        expect(carved.status).not.toBe(0);
        expect(carved.err).toMatch(/No free block of 8 or more addresses is left in 192\.168\.9\.0\/29/);
      }
    });
  }

  for (const [pool, network, code] of [
    ['172.18.255.200/29', networks['another subnet Docker chose']!, 'pool-outside-network'],
    ['172.18.250.0/24', networks["another cluster's pool on .250"]!, 'pool-overlaps-in-use'],
    ['172.19.250.0/24', networks['a container on .250']!, 'pool-overlaps-in-use'],
    ['172.26.250.0/24', networks['another subnet Docker chose']!, undefined],
  ] as const) {
    it(`checks a given pool as resolvePool does: ${pool} on ${network.subnet}`, () => {
      const plan = LabPlan.parse({ ...defaultPlan('demo'), pool: { cidr: pool } });
      const expected = resolvePool(plan, environment(network));
      expect(expected.findings.map((f) => f.code)).toEqual(code ? [code] : []);
      const checked = bash(plan, network, `check_pool ${pool} kind`);
      expect(checked.status, checked.err).toBe(code ? 1 : 0);
      if (code === 'pool-outside-network')
        expect(checked.err).toContain(`The pool ${pool} is outside the kind network ${network.subnet}`);
    });
  }
});
