import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage } from '../../../../e2e/lab/images.ts';
import { startLabCluster, type LabCluster } from '../../../../e2e/lab/lab-cluster.ts';
import { docker, tryDocker } from '../../../../e2e/lab/require-docker.ts';
import { createDockerClient } from '../../docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../../docker/docker-endpoint';
import { addressesOf, type RunRecord } from '../../../contract';
import type { LifecycleDeps } from './lifecycle-pipelines';
import { startSteps, stopSteps } from './lifecycle-pipelines';
import type { StepContext } from './pipeline-runner';

// A network of this test's own, made as kind makes it (Docker picks the IPv4 subnet): other tests'
// containers never take or free its addresses while this one counts on them.
const network = `ks-addr-${randomBytes(3).toString('hex')}`;
const made: string[] = [];
let lab: LabCluster;
const client = createDockerClient(resolveDockerEndpoint(defaultEndpointEnvironment()));

/** A container of the test's own on the network: it takes the lowest free address there. */
function filler(): { name: string; ip: string } {
  const name = `${network}-fill-${randomBytes(2).toString('hex')}`;
  made.push(name);
  docker(['run', '-d', '--name', name, '--network', network, ensureBusyboxImage(), 'sleep', '3600']);
  return { name, ip: addressOf(name)! };
}

const addressOf = (container: string) =>
  docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container]).trim() ||
  undefined;

const deps = { docker: client } as unknown as LifecycleDeps;

/** Runs one step as the runner would, keeping its facts and log (the journal's). */
async function runStep(step: { run(context: StepContext): Promise<void> }, facts: Record<string, unknown> = {}) {
  const log: string[] = [];
  await step.run({
    signal: new AbortController().signal,
    log: (line) => log.push(line),
    created: () => undefined,
    progress: () => undefined,
    facts,
  });
  return { facts, log };
}

beforeAll(async () => {
  docker(['network', 'create', '-d=bridge', network]);
  // A container before the nodes, removed after them: a free address below every node's, which a
  // plain `docker start` hands to the first node started.
  const first = filler();
  lab = await startLabCluster({ name: `ks-addr-${randomBytes(2).toString('hex')}`, workers: 2, network });
  docker(['rm', '-f', first.name]);
}, 240_000);

afterAll(async () => {
  for (const name of made) tryDocker(['rm', '-f', name]);
  await lab?.down();
  tryDocker(['network', 'rm', network]);
}, 120_000);

describe("Kindscope's start gives kind nodes their old addresses back", () => {
  it(
    'one node whose address another container took is named; the others keep theirs',
    { timeout: 180_000 },
    async () => {
      const before = new Map(lab.nodeNames.map((n) => [n, addressOf(n)!]));
      const stop = await runStep(stopSteps(lab.name, deps)[0]!);
      expect(stop.facts.nodeAddresses).toEqual(Object.fromEntries(before));
      // Occupy the worker's old address: containers take the lowest free address, so fill up to it and keep that one.
      const worker = `${lab.name}-worker`;
      let occupier: { name: string; ip: string } | undefined;
      for (let i = 0; i < 8 && !occupier; i++) {
        const next = filler();
        if (next.ip === before.get(worker)) occupier = next;
      }
      expect(occupier, `no filler got ${before.get(worker)}`).toBeDefined();
      for (const name of made.filter((n) => n !== occupier!.name)) tryDocker(['rm', '-f', name]);

      const recorded = new Map(Object.entries(stop.facts.nodeAddresses as Record<string, string>));
      const start = await runStep(startSteps(lab.name, { ...deps, recordedAddresses: async () => recorded })[0]!);
      const outcomes = addressesOf({ facts: start.facts } as Pick<RunRecord, 'facts'>);
      for (const node of lab.nodeNames.filter((n) => n !== worker)) {
        expect(addressOf(node), node).toBe(before.get(node));
        expect(outcomes.find((o) => o.node === node)).toMatchObject({ kept: true, after: before.get(node) });
      }
      const moved = addressOf(worker);
      expect(moved).not.toBe(before.get(worker));
      expect(outcomes.find((o) => o.node === worker)).toEqual({
        node: worker,
        before: before.get(worker),
        after: moved,
        kept: false,
        reason: `${before.get(worker)} is taken by another container on ${network} now`,
      });
      // The step's log names it, with both addresses.
      expect(start.log.join('\n')).toContain(`${worker}: ${before.get(worker)} → ${moved}`);
      // No address-holding helper is left behind.
      expect(
        docker(['ps', '-a', '--filter', 'label=io.kindscope.helper=address-hold', '--format', '{{.Names}}']).trim(),
      ).toBe('');
      tryDocker(['rm', '-f', occupier!.name]);
    },
  );

  it(
    'without an occupier every node keeps its address, free addresses below them notwithstanding',
    { timeout: 180_000 },
    async () => {
      const before = new Map(lab.nodeNames.map((n) => [n, addressOf(n)!]));
      const stop = await runStep(stopSteps(lab.name, deps)[0]!);
      const recorded = new Map(Object.entries(stop.facts.nodeAddresses as Record<string, string>));
      const start = await runStep(startSteps(lab.name, { ...deps, recordedAddresses: async () => recorded })[0]!);
      for (const node of lab.nodeNames) expect(addressOf(node), node).toBe(before.get(node));
      expect(addressesOf({ facts: start.facts } as Pick<RunRecord, 'facts'>).every((o) => o.kept)).toBe(true);
    },
  );
});
