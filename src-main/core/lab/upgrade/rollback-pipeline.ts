/**
 * The rollback run (issue 30): `helm rollback` to the revision before the last upgrade, the
 * Cilium objects that upgrade saved applied again, the rollout, then the measured verification.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ciliumReady, waitStep } from '../run/cluster-watch';
import { announceAndVerifySteps, type LifecycleDeps } from '../run/lifecycle-pipelines';
import type { StepDefinition } from '../run/pipeline-runner';
import { releaseName } from './live-facts';
import { backedUpResources, helmScope, rolledOutAt, rollout } from './upgrade-pipeline';

/** An object as `kubectl apply` takes it back: what the server added is left out. */
function restorable(item: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = item;
  const metadata = { ...(rest.metadata as Record<string, unknown>) };
  for (const key of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields'])
    delete metadata[key];
  const annotations = { ...((metadata.annotations as Record<string, string> | undefined) ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  metadata.annotations = annotations;
  return { ...rest, metadata };
}

/** What a rollback run keeps: the revision it returns to, the version it expects then, the backup it restores. */
export const RollbackFacts = z.object({
  revision: z.number().int().optional(),
  version: z.string().optional(),
  backup: z.string().optional(),
  upgradeRun: z.string().optional(),
  nodes: z.number().int(),
});
export type RollbackFacts = z.infer<typeof RollbackFacts>;

export function rollbackSteps(cluster: string, facts: RollbackFacts, deps: LifecycleDeps): StepDefinition[] {
  const context = `kind-${cluster}`;
  // helm: "If this argument is omitted or set to 0, it will roll back to the previous release" (helm rollback docs).
  const args = [
    'rollback',
    releaseName,
    ...(facts.revision ? [String(facts.revision)] : []),
    ...helmScope(context),
    '--timeout',
    '10m0s',
  ];
  const objects = facts.backup ? join(facts.backup, 'objects') : undefined;
  return [
    {
      name: 'helm-rollback',
      title: `Roll the release back to ${facts.revision ? `revision ${facts.revision}` : 'its previous revision'}`,
      command: `helm ${args.join(' ')}`,
      run: async (c) => {
        await deps.runTool('helm', args, { signal: c.signal, onLine: c.log });
        c.facts.startedAt = Date.now();
      },
    },
    {
      name: 'restore-objects',
      title: 'Restore the Cilium objects saved before the upgrade',
      command: objects
        ? `kubectl --context ${context} apply -f - < ${objects}/<kind>.json (server fields left out)`
        : 'no upgrade backup found: nothing to restore',
      run: async (c) => {
        if (!objects || !existsSync(objects)) {
          c.log('no saved objects to restore');
          return;
        }
        for (const resource of backedUpResources) {
          const file = join(objects, `${resource}.json`);
          if (!existsSync(file)) continue;
          const items = (
            (JSON.parse(readFileSync(file, 'utf8')) as { items?: Record<string, unknown>[] }).items ?? []
          ).map(restorable);
          if (items.length === 0) continue;
          await deps.runTool('kubectl', ['--context', context, 'apply', '-f', '-'], {
            signal: c.signal,
            onLine: c.log,
            // One document per object (a YAML stream of JSON documents), as the create run applies its manifests.
            input: items.map((item) => JSON.stringify(item)).join('\n---\n'),
          });
        }
      },
    },
    {
      name: 'cilium-rollout',
      title: `Wait for the agents and the operator${facts.version ? ` at ${facts.version}` : ''}`,
      command:
        `kubectl rollout status daemonset/cilium and deployment/cilium-operator -n kube-system; ` +
        `watch kube-system of ${context} until every agent and the operator are ready, every node Ready`,
      run: async (c) => {
        await rollout(deps, context, c);
        await waitStep(
          deps.statusSource(),
          c,
          facts.version ? rolledOutAt(facts.version, facts.nodes) : ciliumReady(facts.nodes),
          `Cilium${facts.version ? ` ${facts.version}` : ''}`,
          deps.timeouts?.cilium ?? 600_000,
        );
      },
    },
    ...announceAndVerifySteps(cluster, deps, { reelected: true }),
  ];
}
