/**
 * The upgrade and rollback runs (issue 30), journaled like create and fix: each step's
 * command shown before it runs, resumable at the step that failed, ending with the same
 * measured verification as create.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { KindscopeError, type ClusterStatus } from '../../../contract';
import { ciliumRepo } from '../plan/steps';
import { ciliumReady, waitStep } from '../run/cluster-watch';
import { announceAndVerifySteps, type LifecycleDeps } from '../run/lifecycle-pipelines';
import type { StepContext, StepDefinition } from '../run/pipeline-runner';
import { releaseName, releaseNamespace } from './live-facts';

/** What an upgrade run keeps in its journal: built once from the confirmed preflight, so a resume runs the same upgrade. */
export const UpgradeFacts = z.object({
  from: z.string(),
  to: z.string(),
  /** The release's revision before the upgrade: what `rollback` returns to. */
  previousRevision: z.number().int(),
  values: z.record(z.string(), z.unknown()),
  /** CRDs whose stored versions are migrated first. */
  migrate: z.array(z.object({ name: z.string(), storage: z.string() })),
  /** Saved files rewritten to the versions the target serves. */
  rewrite: z.array(z.string()),
  nodes: z.number().int(),
});
export type UpgradeFacts = z.infer<typeof UpgradeFacts>;

/** The Cilium objects Kindscope reads (the pool, the L2 policy, BGP v2): backed up before and restored by rollback. */
export const backedUpResources = [
  'ciliumloadbalancerippools.cilium.io',
  'ciliuml2announcementpolicies.cilium.io',
  'ciliumbgpclusterconfigs.cilium.io',
  'ciliumbgppeerconfigs.cilium.io',
  'ciliumbgpadvertisements.cilium.io',
];

export const helmScope = (context: string) => ['--namespace', releaseNamespace, '--kube-context', context];

/**
 * The agents and the operator ready, every node Ready, and the version the cluster wing reads
 * (when it reads one) the one wanted. The rollout itself is proved first by `kubectl rollout
 * status` (every agent pod replaced: the DaemonSet's updatedNumberScheduled and observedGeneration).
 */
export function rolledOutAt(version: string, nodes: number) {
  const ready = ciliumReady(nodes);
  return (status: ClusterStatus) => {
    const check = ready(status);
    const at = status.cilium.version?.replace(/^v/, '');
    return {
      ...check,
      done: check.done && (at === undefined || at === version),
      detail: `Cilium ${at ?? '(version not read)'} (want ${version}); ${check.detail}`,
    };
  };
}

/** `kubectl rollout status` of the agents' DaemonSet and the operator's Deployment: the roll out, as users check it. */
export async function rollout(deps: LifecycleDeps, context: string, c: StepContext): Promise<void> {
  for (const workload of ['daemonset/cilium', 'deployment/cilium-operator'])
    await deps.runTool(
      'kubectl',
      ['--context', context, '--namespace', releaseNamespace, 'rollout', 'status', workload, '--timeout=10m'],
      { signal: c.signal, onLine: c.log },
    );
}

/** Every object of the backed-up kinds, as kubectl lists them; kinds the cluster lacks are skipped, said. */
async function backupObjects(deps: LifecycleDeps, context: string, dir: string, log: (l: string) => void) {
  mkdirSync(dir, { recursive: true });
  for (const resource of backedUpResources) {
    const result = await deps.runTool('kubectl', ['--context', context, 'get', resource, '-A', '-o', 'json'], {
      allowFailure: true,
    });
    if (result.exitCode !== 0) {
      log(`${resource}: not in this cluster (${result.stderr.trim().split('\n').at(-1) ?? ''})`);
      continue;
    }
    const count = (JSON.parse(result.stdout) as { items?: unknown[] }).items?.length ?? 0;
    writeFileSync(join(dir, `${resource}.json`), result.stdout);
    log(`${resource}: ${count} saved`);
  }
}

/** Cilium's upgrade guide: https://docs.cilium.io/en/stable/operations/upgrade/ (helm upgrade between minors). */
export function upgradeSteps(
  cluster: string,
  runDir: string,
  facts: UpgradeFacts,
  deps: LifecycleDeps,
): StepDefinition[] {
  const context = `kind-${cluster}`;
  const backup = join(runDir, 'backup');
  const valuesFile = join(runDir, 'values.json');
  const steps: StepDefinition[] = [
    {
      name: 'backup',
      title: 'Back up the release values and the Cilium objects',
      command:
        `helm get values ${releaseName} ${helmScope(context).join(' ')} -o json > backup/values.json; ` +
        `helm history ${releaseName} … -o json; kubectl get ${backedUpResources.join(',')} -A -o json > backup/<kind>.json`,
      run: async (c) => {
        mkdirSync(backup, { recursive: true });
        const values = await deps.runTool('helm', ['get', 'values', releaseName, ...helmScope(context), '-o', 'json'], {
          signal: c.signal,
        });
        writeFileSync(join(backup, 'values.json'), values.stdout);
        const history = await deps.runTool('helm', ['history', releaseName, ...helmScope(context), '-o', 'json'], {
          signal: c.signal,
        });
        writeFileSync(join(backup, 'history.json'), history.stdout);
        c.log(`release values and history saved in ${backup} (revision ${facts.previousRevision})`);
        await backupObjects(deps, context, join(backup, 'objects'), c.log);
        c.facts.backup = backup;
      },
    },
  ];
  if (facts.migrate.length > 0)
    steps.push({
      name: 'migrate-storage',
      title: `Migrate stored objects of ${facts.migrate.map((m) => m.name).join(', ')} to their storage version`,
      command: facts.migrate
        .map(
          (m) =>
            `kubectl get ${m.name} -A -o json | kubectl replace -f -; ` +
            `kubectl patch crd ${m.name} --subresource=status --type=merge -p '{"status":{"storedVersions":["${m.storage}"]}}'`,
        )
        .join('; '),
      run: async (c) => {
        for (const m of facts.migrate) {
          // Re-writing each object stores it at the storage version (Kubernetes' documented migration).
          const list = await deps.runTool('kubectl', ['--context', context, 'get', m.name, '-A', '-o', 'json'], {
            signal: c.signal,
          });
          const items = (JSON.parse(list.stdout) as { items?: unknown[] }).items ?? [];
          if (items.length > 0)
            await deps.runTool('kubectl', ['--context', context, 'replace', '-f', '-'], {
              signal: c.signal,
              onLine: c.log,
              input: list.stdout,
            });
          await deps.runTool(
            'kubectl',
            [
              '--context',
              context,
              'patch',
              'crd',
              m.name,
              '--subresource=status',
              '--type=merge',
              '-p',
              JSON.stringify({ status: { storedVersions: [m.storage] } }),
            ],
            { signal: c.signal, onLine: c.log },
          );
          c.log(`${m.name}: ${items.length} object(s) re-written; storedVersions [${m.storage}]`);
        }
      },
    });
  if (facts.rewrite.length > 0)
    steps.push({
      name: 'rewrite-manifests',
      title: 'Rewrite the saved manifests to the versions the target serves',
      command: `cilium.io/v2alpha1 → cilium.io/v2 for CiliumLoadBalancerIPPool in ${facts.rewrite.join(', ')} (originals in backup/manifests/)`,
      run: async (c) => {
        const originals = join(backup, 'manifests');
        mkdirSync(originals, { recursive: true });
        for (const file of facts.rewrite) {
          if (!existsSync(file)) {
            c.log(`${file}: gone since the preflight, nothing to rewrite`);
            continue;
          }
          const saved = join(originals, basename(file));
          if (!existsSync(saved)) copyFileSync(file, saved);
          const text = readFileSync(file, 'utf8');
          writeFileSync(file, rewritePoolVersion(text));
          c.log(`${file}: rewritten (original: ${saved})`);
        }
      },
    });
  const upgradeArgs = [
    'upgrade',
    releaseName,
    'cilium/cilium',
    '--version',
    facts.to,
    ...helmScope(context),
    // The carried values in full, never --reuse-values: Cilium's upgrade guide says not to use it between minors
    // (it ignores values the new release introduces) and to pass the checked old values as a file instead.
    '--values',
    valuesFile,
    '--timeout',
    '10m0s',
  ];
  const repo = ['repo', 'add', ciliumRepo.name, ciliumRepo.url];
  steps.push(
    {
      name: 'helm-upgrade',
      title: `Upgrade Cilium ${facts.from} → ${facts.to}`,
      command: `helm ${repo.join(' ')}; helm ${upgradeArgs.join(' ')}`,
      run: async (c) => {
        writeFileSync(valuesFile, `${JSON.stringify(facts.values, null, 2)}\n`);
        c.log(`values: ${valuesFile}`);
        await deps.runTool('helm', repo, { signal: c.signal, onLine: c.log });
        await deps.runTool('helm', upgradeArgs, { signal: c.signal, onLine: c.log });
        c.facts.startedAt = Date.now();
      },
    },
    {
      name: 'cilium-rollout',
      title: `Wait for the agents and the operator at ${facts.to}`,
      command:
        `kubectl rollout status daemonset/cilium and deployment/cilium-operator -n kube-system; ` +
        `watch kube-system of ${context} until every agent and the operator are ready at ${facts.to}, every node Ready`,
      run: async (c) => {
        await rollout(deps, context, c);
        await waitStep(
          deps.statusSource(),
          c,
          rolledOutAt(facts.to, facts.nodes),
          `Cilium ${facts.to}`,
          deps.timeouts?.cilium ?? 600_000,
        );
      },
    },
    ...announceAndVerifySteps(cluster, deps, { reelected: true }),
  );
  return steps;
}

/** `apiVersion: cilium.io/v2alpha1` → `v2` on the pools of a manifest (v2 served from 1.18, cilium/cilium#39090). */
export function rewritePoolVersion(text: string): string {
  return text.replace(
    /apiVersion:(\s*)cilium\.io\/v2alpha1(\s*\n\s*kind:\s*CiliumLoadBalancerIPPool\b)/g,
    'apiVersion:$1cilium.io/v2$2',
  );
}

export function parseFacts<T>(schema: z.ZodType<T>, facts: Record<string, unknown>, id: string): T {
  const parsed = schema.safeParse(facts);
  if (!parsed.success)
    throw new KindscopeError('INTERNAL', `Run ${id} has no usable plan in its journal`, 'Start a new run.');
  return parsed.data;
}
