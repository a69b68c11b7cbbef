import {
  FixKind,
  addressesOf,
  changedAddressesText,
  hopsOf,
  verificationsOf,
  type Result,
  type RunRecord,
} from '../../contract';
import type { CliCommand, CliContext } from '../cli-command';
import { ExitCode } from '../output';
import { followRun } from './create';

/** Runs a lifecycle run to its end, printing its steps on stderr; JSON: the run and what was measured. */
export async function follow(
  context: CliContext,
  start: () => Promise<Result<RunRecord>>,
  done: (run: RunRecord) => string,
  /** More for the JSON result (upgrade: its preflight) and a line to print when the run failed (upgrade: how to roll back). */
  more: { json?: Record<string, unknown>; onFailure?: string } = {},
): Promise<number> {
  const outcome = await followRun(context, start);
  if (typeof outcome === 'string') return context.usageError(outcome);
  if ('error' in outcome) return context.fail(outcome.error);
  context.print(
    {
      run: outcome.id,
      cluster: outcome.cluster,
      state: outcome.state,
      steps: outcome.steps.map((s) => ({ name: s.name, state: s.state, ...(s.ms !== undefined ? { ms: s.ms } : {}) })),
      verifications: verificationsOf(outcome),
      connectivity: hopsOf(outcome),
      ...(addressesOf(outcome).length > 0 ? { addresses: addressesOf(outcome) } : {}),
      ...more.json,
    },
    outcome.state === 'done' ? done(outcome) : `Run ${outcome.id}: ${outcome.state}\n`,
  );
  // Said whatever became of the run: a node that came back on another address is what breaks kind next.
  const changed = changedAddressesText(addressesOf(outcome));
  if (changed.length > 0 && (outcome.state !== 'done' || context.json))
    context.output.err(`kindscope: node addresses changed:\n${changed.map((l) => `  ${l}\n`).join('')}`);
  if (outcome.state === 'cancelled') return ExitCode.interrupted;
  const failed = outcome.steps.find((s) => s.state === 'failed');
  if (failed)
    context.output.err(
      `kindscope: step "${failed.name}" failed: ${failed.error?.message ?? ''}\n  hint: ${failed.error?.hint ?? ''}\n  log: ${failed.logPath}\n${more.onFailure ?? ''}`,
    );
  return outcome.state === 'done' ? ExitCode.ok : ExitCode.failed;
}

export const clusterOf = (context: CliContext, verb: string): string | number =>
  typeof context.values.cluster === 'string'
    ? context.values.cluster
    : context.usageError(`${verb} needs --cluster NAME (see \`kindscope topology\` for the clusters)`);

export const verifiedText = (run: RunRecord) => {
  const results = verificationsOf(run);
  // A BGP lab's fix proves each IP through the router, naming the hops (core/lab/run/bgp-fix.ts).
  const bgp = (run.facts.bgpVerifications ?? []) as {
    ip: string;
    reachable: boolean;
    hops: { hop: string; detail: string }[];
  }[];
  if (results.length === 0 && bgp.length > 0)
    return bgp
      .map(
        (r) =>
          `  ${r.ip}: ${r.reachable ? 'answers through the router' : 'no answer'}\n${r.hops.map((h) => `    ${h.hop}: ${h.detail}\n`).join('')}`,
      )
      .join('');
  return results
    .map(
      (r) =>
        `  ${r.ip}: ${r.reachable ? 'answers' : 'no answer'}${r.answeredBy ? ` — answered ARP: ${r.answeredBy.node ?? r.answeredBy.mac}` : ''}\n`,
    )
    .join('');
};

/** Which nodes kept their address across the start, and which could not (with why). */
const addressText = (run: RunRecord) => {
  const outcomes = addressesOf(run);
  if (outcomes.length === 0) return '';
  const changed = changedAddressesText(outcomes);
  if (changed.length === 0) return `every node kept its address (${outcomes.map((o) => o.after).join(', ')});\n`;
  return `node addresses changed (kubernetes-sigs/kind#2045: the API server and kubelets may still use the old ones):\n${changed.map((l) => `  ${l}\n`).join('')}`;
};

/** `stop` and `start`: the same shape, a different call and result text. */
function powerCommand(
  name: 'stop' | 'start',
  summary: string,
  done: (cluster: string, run: RunRecord) => string,
): CliCommand {
  return {
    name,
    summary,
    help: `kindscope ${name} --cluster NAME [--json]`,
    options: { cluster: { type: 'string' } },
    async run(context) {
      const cluster = clusterOf(context, name);
      if (typeof cluster === 'number') return cluster;
      return follow(
        context,
        () => context.client.invoke(name === 'stop' ? 'lab:stop' : 'lab:start', { cluster }),
        (run) => done(cluster, run),
      );
    },
  };
}

export const stopCommand = powerCommand(
  'stop',
  "Stop a lab's node containers (they keep their state; `start` brings them back)",
  (cluster) => `Stopped ${cluster}.\n`,
);

export const startCommand = powerCommand(
  'start',
  'Start a stopped lab and prove it works again: nodes Ready, leases re-elected, IPs answering',
  (cluster, run) => `Started ${cluster}; ${addressText(run)}every LoadBalancer IP answers again:\n${verifiedText(run)}`,
);

export const deleteCommand: CliCommand = {
  name: 'delete',
  summary: 'Delete a kind cluster (asks first; --yes to confirm); the kind network stays',
  help: `kindscope delete --cluster NAME [--yes] [--json]

Names the node containers and the kubeconfig context it removes; without --yes it only lists
them and exits 1. The kind network stays, as kind leaves it.`,
  options: { cluster: { type: 'string' }, yes: { type: 'boolean', default: false } },
  async run(context) {
    const cluster = clusterOf(context, 'delete');
    if (typeof cluster === 'number') return cluster;
    const plan = await context.client.invoke('lab:delete-plan', { cluster });
    if (!plan.ok) return context.fail(plan.error);
    const list = `${plan.value.containers.map((c) => `  container ${c}`).join('\n')}\n  kubeconfig context ${plan.value.context}\n`;
    if (context.values.yes !== true) {
      context.output.err(`Deleting ${cluster} removes:\n${list}Run again with --yes to delete it.\n`);
      return ExitCode.failed;
    }
    context.output.err(`Deleting ${cluster}:\n${list}`);
    return follow(
      context,
      () => context.client.invoke('lab:delete', { cluster, confirm: true }),
      () => `Deleted ${cluster} (the kind network stays).\n`,
    );
  },
};

export const fixCommand: CliCommand = {
  name: 'fix',
  summary:
    'Repair a lab stuck at <pending>: a carved pool, the L2 policy, the missing Cilium values; in BGP mode the router and the peer',
  help: `kindscope fix --cluster NAME [--only REPAIR,...] [--yes] [--json]

Shows the steps the diagnosis calls for, each with the repair it makes — [pool] a pool carved
from the kind network, [l2-policy] the L2 announcement policy, [cilium-values] \`helm upgrade\`
with kube-proxy replacement and L2 announcements — and, with --yes, runs them and proves every
LoadBalancer IP answers from this machine. --only runs just the repairs named (the waits and
the verification always run): \`kindscope fix --cluster demo --only pool --yes\`.

On a BGP lab (announce: bgp) the repairs are BGP mode's, made only to what Kindscope made:
[router] \`docker start <cluster>-router\`, [bgp-peer] the peer Kindscope wrote in the
CiliumBGPClusterConfig patched to what the router measures (the AS it runs, the AS it expects
from the nodes, its address); then the router's routes are waited for and every IP is proven
through the router, each hop named.`,
  options: { cluster: { type: 'string' }, only: { type: 'string' }, yes: { type: 'boolean', default: false } },
  async run(context) {
    const cluster = clusterOf(context, 'fix');
    if (typeof cluster === 'number') return cluster;
    const plan = await context.client.invoke('lab:fix-plan', { cluster });
    if (!plan.ok) return context.fail(plan.error);
    const { fixes, steps } = plan.value;
    let repairs: FixKind[] | undefined;
    if (typeof context.values.only === 'string') {
      const named = context.values.only
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const unknown = named.find((r) => !FixKind.safeParse(r).success);
      if (unknown !== undefined || named.length === 0)
        return context.usageError(
          `Invalid --only: ${unknown === undefined ? 'it names no repair' : `"${unknown}" is not a repair`}; ` +
            `choose from ${fixes.length ? `this cluster's: ${fixes.join(', ')}` : 'pool, l2-policy, cilium-values (this cluster needs none)'}`,
        );
      const unneeded = named.find((r) => !fixes.includes(r as FixKind));
      if (unneeded)
        return context.usageError(
          `Invalid --only: ${cluster} does not need "${unneeded}"; ` +
            `${fixes.length ? `its repairs: ${fixes.join(', ')}` : 'it needs no repair (fix without --only re-verifies)'}`,
        );
      repairs = named as FixKind[];
    }
    const chosen = steps.filter((s) => !s.fix || !repairs || repairs.includes(s.fix));
    const list = chosen
      .map((s, i) => `  ${i + 1}. ${s.fix ? `[${s.fix}] ` : ''}${s.title}\n     $ ${s.command}`)
      .join('\n');
    if (context.values.yes !== true) {
      const how =
        repairs || fixes.length < 2
          ? 'Run again with --yes to run them.'
          : `Run again with --yes to run them all, or choose repairs: --only ${fixes.join(',')} --yes (any of them).`;
      context.output.err(
        `${fixes.length ? `Fixing ${cluster} runs:` : `${cluster} needs no repair; fix would only re-verify:`}\n${list}\n${how}\n`,
      );
      return ExitCode.failed;
    }
    // Exactly the repairs listed above: one that became needed since is not made unseen.
    return follow(
      context,
      () => context.client.invoke('lab:fix', { cluster, confirm: true, repairs: repairs ?? fixes }),
      (run) => `Fixed ${cluster}:\n${verifiedText(run)}`,
    );
  },
};
