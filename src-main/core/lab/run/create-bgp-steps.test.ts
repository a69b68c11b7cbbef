import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { LabPlan, type LabStep } from '../../../contract';
import { lbNetworkFor } from '../plan/bgp-pool';
import { routerSteps } from '../plan/steps-bgp';
import { routerStep } from './create-bgp-steps';
import type { StepContext } from './pipeline-runner';

// The lb-network step on the real engine: another network already holds the carved block (two
// runs carved at once), Docker refuses in its own words, and an auto pool is carved again.
const suffix = randomBytes(3).toString('hex');
const third = 100 + (randomBytes(1)[0]! % 100);
const taken = `10.251.${third}.0/24`;
const free = `10.251.${third + 10}.0/24`;
const other = `ks-occupy-${suffix}`;
const made: string[] = [];

const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

afterAll(() => {
  for (const network of [other, ...made]) docker(['network', 'rm', network]);
});

function stepFor(pool: string, name: string) {
  const plan = LabPlan.parse({ cluster: { name: `ks-${name}-${suffix}` }, announce: 'bgp', pool: { cidr: pool } });
  const step = routerSteps(plan, 'kind').find((s) => s.id === 'lb-network')!;
  made.push(`${plan.cluster.name}-lb`);
  const logs: string[] = [];
  const context: StepContext = {
    signal: new AbortController().signal,
    log: (line) => logs.push(line),
    created: () => undefined,
    progress: () => undefined,
    facts: { poolCidr: taken },
  };
  let recarved = 0;
  const definition = routerStep(step, 'docker network create …', plan, '/nonexistent', {
    docker: async (args) => {
      const r = docker(args);
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr } as never;
    },
    // The pipeline's own run: the step's command with its placeholders filled, failing as the CLI runner does.
    run: async (s: LabStep, _context, extra) => {
      const args = (extra ?? ((a: string[]) => a))(s.command.filter((a): a is string => typeof a === 'string')).slice(
        1,
      );
      const r = docker(args);
      if (r.status !== 0)
        throw new Error(`docker ${args.join(' ')} failed with exit code ${r.status}: ${r.stderr.trim()}`);
      return { code: 0, stdout: r.stdout, stderr: r.stderr } as never;
    },
    recarve: async (c) => {
      recarved += 1;
      c.facts.poolCidr = free;
    },
  });
  return { definition, context, logs, plan, recarved: () => recarved };
}

describe("BGP mode's pool network when another network took the carved block meanwhile", () => {
  it('an auto pool is carved again and the network made on the new block', async () => {
    expect(docker(['network', 'create', '--subnet', taken, other]).status).toBe(0);
    const { definition, context, logs, plan, recarved } = stepFor('auto', 'race');
    await definition.run(context);
    expect(recarved()).toBe(1);
    expect(context.facts.poolCidr).toBe(free);
    expect(logs.join('\n')).toContain(`${taken} was taken meanwhile`);
    const subnet = docker([
      'network',
      'inspect',
      `${plan.cluster.name}-lb`,
      '--format',
      '{{(index .IPAM.Config 0).IPRange}}',
    ]);
    // The pool's network as the plan builds it around the new block (its range, subnet and gateway).
    expect(subnet.stdout.trim()).toBe(lbNetworkFor(free)!.ipRange);
  });

  it('a pool the user gave is not moved: the step fails with Docker’s words', async () => {
    const { definition, context, recarved } = stepFor(taken, 'given');
    await expect(definition.run(context)).rejects.toThrow(/overlap/);
    expect(recarved()).toBe(0);
  });
});
