import { FixKind, KindscopeError, type ClusterStatus } from '../../../contract';
import { defaultPlan } from '../plan/plan';
import { chartSetArgs } from '../plan/chart-keys';
import { carvePool } from '../plan/pool-carve';
import { renderL2Policy, renderPool } from '../plan/render';
import { announceAndVerifySteps, type LifecycleDeps } from './lifecycle-pipelines';
import type { StepContext, StepDefinition } from './pipeline-runner';

/** The fix run: repairs a cluster made by hand and stuck at `<pending>`, then proves every IP answers. */

/** What `fix` would do for a cluster's status: the repairs the diagnosis points at, in order. */
export function fixesFor(status: ClusterStatus): FixKind[] {
  // Nothing is concluded from data not read yet (the cluster wing's `complete`).
  if (!status.complete || status.cilium.state === 'unknown')
    throw new KindscopeError(
      'DATA_INCOMPLETE',
      `The state of ${status.cluster} is not fully read yet (${status.connection.reason ?? status.connection.state})`,
      `Check that its API server answers (kubectl --context ${status.context} get nodes), then try again.`,
    );
  if (!status.cilium.installed)
    throw new KindscopeError(
      'INVALID_INPUT',
      `Cilium is not installed on ${status.cluster}`,
      'Build a lab with `kindscope create`; fix repairs a Cilium lab.',
    );
  return repairOrder.filter((fix) => stillNeeded(fix, status));
}

/** The order repairs run in: Cilium's values first (the agents restart), then the pool, then the policy. */
const repairOrder: readonly FixKind[] = ['cilium-values', 'pool', 'l2-policy'];

/** Whether a repair is still to be made on this status (the same rules as `fixesFor`, one repair at a time). */
function stillNeeded(fix: FixKind, status: ClusterStatus): boolean {
  // A pool outside every Docker network of the cluster hands out IPs ARP can never reach: as good as none.
  if (fix === 'pool') return !status.pools.some((pool) => !outsideNetwork(pool));
  if (fix === 'l2-policy') return status.policies.length === 0;
  return status.cilium.kubeProxyReplacement !== 'true' || !status.cilium.l2Announcements;
}

const outsideNetwork = (pool: ClusterStatus['pools'][number]) =>
  pool.findings.some((f) => f.code === 'pool-outside-docker-network');

/** Runs a repair unless the live status says it is made already (by hand, or since the plan was shown): said in the log, never silent. */
function unlessMade(
  fix: FixKind,
  deps: LifecycleDeps,
  make: (c: StepContext) => Promise<void>,
): (c: StepContext) => Promise<void> {
  return async (c) => {
    const now = await deps.statusSource().status();
    if (now.complete && !stillNeeded(fix, now)) {
      c.log(
        fix === 'pool'
          ? `the cluster has a pool now (${now.pools.map((p) => p.name).join(', ')}): nothing to make`
          : fix === 'l2-policy'
            ? `the cluster has an L2 policy now (${now.policies.map((p) => p.name).join(', ')}): nothing to make`
            : 'kube-proxy replacement and L2 announcements are on now: nothing to change',
      );
      return;
    }
    await make(c);
  };
}

/**
 * The same steps the pipeline runs, applied to a cluster made by hand and stuck at
 * `<pending>`: a carved pool, the L2 policy, `helm upgrade` with the missing values — the
 * `planned` ones, those the user confirmed (kept in the run, so a resume builds the same
 * steps whatever the cluster looks like by then). Then the waits and the verification; a
 * repair still needed that was not planned fails the wait at once, naming it.
 */
export function fixSteps(
  cluster: string,
  status: ClusterStatus,
  deps: LifecycleDeps,
  planned: readonly FixKind[],
  ciliumVersion = status.cilium.version,
): (StepDefinition & { fix?: FixKind })[] {
  const context = `kind-${cluster}`;
  const plan = defaultPlan(cluster);
  if (ciliumVersion) plan.cilium.version = ciliumVersion.replace(/^v/, '');
  const steps: (StepDefinition & { fix: FixKind })[] = [];
  for (const fix of repairOrder.filter((f) => planned.includes(f))) {
    if (fix === 'cilium-values') {
      // helm skips an identical repository ("already exists with the same configuration").
      const repo = ['repo', 'add', 'cilium', 'https://helm.cilium.io/'];
      // The agents and the operator read their ConfigMap at start: roll them out so the new values apply.
      const args = [
        'upgrade',
        'cilium',
        'cilium/cilium',
        '--version',
        plan.cilium.version,
        '--namespace',
        'kube-system',
        '--kube-context',
        context,
        '--reuse-values',
        // Through the chart's generated key table: externalIPs.enabled only where the chart has it (< 1.18).
        ...chartSetArgs(plan.cilium.version, [
          ['kubeProxyReplacement', true],
          ['l2announcements.enabled', true],
          ['externalIPs.enabled', true],
          ['rollOutCiliumPods', true],
          ['operator.rollOutPods', true],
        ]),
        '--timeout',
        '10m0s',
      ];
      steps.push({
        fix,
        name: 'cilium-upgrade',
        title: 'Turn on kube-proxy replacement and L2 announcements',
        command: `helm ${repo.join(' ')}; helm ${args.join(' ')}`,
        run: unlessMade(fix, deps, async (c) => {
          await deps.runTool('helm', repo, { signal: c.signal, onLine: c.log });
          await deps.runTool('helm', args, { signal: c.signal, onLine: c.log });
        }),
      });
    }
    if (fix === 'pool') {
      steps.push({
        fix,
        name: 'apply-pool',
        title: 'Create a LoadBalancer IP pool from the kind network',
        command: `kubectl --context ${context} apply -f - < pool.yaml (a free block carved from the kind network)`,
        run: unlessMade(fix, deps, async (c) => {
          const env = await deps.environment();
          if (!env?.network)
            throw new KindscopeError(
              'DOCKER_ERROR',
              'The kind network has no IPv4 subnet to carve a pool from',
              'Check `docker network inspect kind`.',
            );
          const carved = carvePool(env.network.subnet, env.used);
          if (!carved.ok)
            throw new KindscopeError(
              'INVALID_INPUT',
              carved.reason,
              'Free addresses in the kind network, or give a pool by hand.',
            );
          // A pool of ours outside the network is replaced in place (its services get new IPs from
          // the carved block); one the user named otherwise is left as it is, and said.
          const now = await deps.statusSource().status();
          for (const pool of now.pools.filter(outsideNetwork))
            c.log(
              pool.name === plan.pool.name
                ? `replacing the blocks of ${pool.name} (${pool.ranges.join(', ')}), outside the kind network ${env.network.subnet}, with ${carved.cidr}`
                : `leaving ${pool.name} (${pool.ranges.join(', ')}, outside the kind network) as it is: ` +
                    `delete it yourself so its services move to ${plan.pool.name}`,
            );
          const manifest = renderPool(plan, carved.cidr);
          c.log(manifest);
          await deps.runTool('kubectl', ['--context', context, 'apply', '-f', '-'], {
            signal: c.signal,
            onLine: c.log,
            input: manifest,
          });
        }),
      });
    }
    if (fix === 'l2-policy') {
      const manifest = renderL2Policy(plan);
      steps.push({
        fix,
        name: 'apply-l2-policy',
        title: 'Create the L2 announcement policy',
        command: `kubectl --context ${context} apply -f - < l2-policy.yaml`,
        run: unlessMade(
          fix,
          deps,
          async (c) =>
            void (
              c.log(manifest),
              await deps.runTool('kubectl', ['--context', context, 'apply', '-f', '-'], {
                signal: c.signal,
                onLine: c.log,
                input: manifest,
              })
            ),
        ),
      });
    }
  }
  return [
    ...steps,
    ...announceAndVerifySteps(cluster, deps, { before: () => refuseUnplanned(cluster, deps, planned) }),
  ];
}

const repairText = (fix: FixKind) =>
  fix === 'pool'
    ? 'a LoadBalancer IP pool [pool]'
    : fix === 'l2-policy'
      ? 'an L2 announcement policy [l2-policy]'
      : 'kube-proxy replacement and L2 announcements [cilium-values]';

/** A repair still needed but not planned: the wait cannot end well, so it says so at once instead of after the timeout. */
async function refuseUnplanned(cluster: string, deps: LifecycleDeps, planned: readonly FixKind[]): Promise<void> {
  const status = await deps.statusSource().status();
  const left = status.complete ? repairOrder.filter((f) => !planned.includes(f) && stillNeeded(f, status)) : [];
  if (left.length > 0)
    throw new KindscopeError(
      'INVALID_INPUT',
      `${cluster} still needs ${left.map(repairText).join(' and ')}, which this run was not confirmed to make: ` +
        `without it no LoadBalancer IP gets ${left.includes('pool') ? 'an address' : 'announced'}`,
      `Run \`kindscope fix --cluster ${cluster} --only ${left.join(',')}\` (or tick it in the Fix dialog) — or make it by hand, then resume this run.`,
    );
}

/**
 * What a fix run keeps in its journal: the repairs the user confirmed (`repairs`; when
 * absent, all that the status needs now), and the chart version `helm upgrade` keeps, as
 * read now: a resume must not fall back to another.
 */
export function fixFacts(status: ClusterStatus, repairs?: FixKind[]): Record<string, unknown> {
  // fixesFor refuses a cluster whose state is not read yet, or without Cilium, either way.
  const needed = fixesFor(status);
  const planned = repairs ? [...new Set(repairs)] : needed;
  return { repairs: planned, ...(status.cilium.version ? { ciliumVersion: status.cilium.version } : {}) };
}

/**
 * The steps of a fix run from its journal's facts and the live status. The planned list is
 * kept in the run: a resume builds the same steps whatever the cluster looks like by then,
 * and a repair made meanwhile is skipped by its step, saying so.
 */
export function fixRunSteps(
  cluster: string,
  status: ClusterStatus,
  deps: LifecycleDeps,
  facts: Record<string, unknown>,
): StepDefinition[] {
  // Refuses a status not fully read (a resume right after a restart): steps are never built from a guess.
  const needed = fixesFor(status);
  // A journal from before the planned list was kept: what the status needs now.
  return fixSteps(
    cluster,
    status,
    deps,
    repairsOf(facts) ?? needed,
    typeof facts.ciliumVersion === 'string' ? facts.ciliumVersion : status.cilium.version,
  );
}

/** The repairs a fix run was confirmed for (kept in its facts). */
function repairsOf(facts: Record<string, unknown>): FixKind[] | undefined {
  const parsed = FixKind.array().safeParse(facts.repairs);
  return parsed.success ? parsed.data : undefined;
}
