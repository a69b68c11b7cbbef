import type { UpgradeItem, UpgradePreflight } from '../../contract';
import type { CliCommand } from '../cli-command';
import { ExitCode } from '../output';
import { clusterOf, follow, verifiedText } from './lifecycle';

const marks: Record<UpgradeItem['outcome'], string> = {
  kept: 'kept',
  renamed: 'renamed',
  dropped: 'dropped',
  blocking: 'BLOCKING',
  rewrite: 'rewrite',
  warning: 'warning',
  ok: 'ok',
};

/** One preflight item as the CLI shows it: what, why, the fix, the sources. */
function itemText(item: UpgradeItem, index: number): string {
  return (
    `  ${index + 1}. [${marks[item.outcome]}] ${item.title}\n` +
    `     ${item.detail}\n` +
    (item.fix ? `     fix: ${item.fix}\n` : '') +
    (item.cites.length ? `     see: ${item.cites.join('; ')}\n` : '') +
    (item.needsConfirmation ? `     (confirm: ${item.id})\n` : '')
  );
}

function preflightText(plan: UpgradePreflight): string {
  // Kept values are many: counted, not listed one by one (--json has each).
  const kept = plan.items.filter((i) => i.outcome === 'kept');
  const shown = plan.items.filter((i) => i.outcome !== 'kept');
  return (
    `Upgrade ${plan.cluster}: Cilium ${plan.from} → ${plan.to} (release revision ${plan.revision ?? '?'}` +
    `${plan.kubernetes ? `, Kubernetes ${plan.kubernetes}` : ''})\n` +
    `Preflight:\n${shown.map(itemText).join('')}` +
    `  ${kept.length} value${kept.length === 1 ? '' : 's'} kept as they are${kept.length ? `: ${kept.map((i) => i.id.replace(/^value:/, '')).join(', ')}` : ''}\n`
  );
}

export const upgradeCommand: CliCommand = {
  name: 'upgrade',
  summary: "Move a lab's Cilium to a newer release: a preflight of what will break, a backup, a verified result",
  help: `kindscope upgrade --cluster NAME --cilium VERSION [--yes] [--json]

Reads the live cluster and the target chart's data and lists each item on its own: every value
of the release (kept, renamed with its new name, dropped because the chart would ignore it, or
blocking with the chart's message and the fix), stored versions and the manifests Kindscope
saved for the lab against what the target serves, BGP v1 policies, services caught by the
step's known traps (each with its upstream issue), and whether the cluster's Kubernetes is
tested with the target. Without --yes nothing changes. --yes confirms every non-blocking item
and runs: backup, manifests rewritten, helm upgrade --version VERSION with the carried values,
the rollout, then every LoadBalancer IP measured. A blocking item ends at the preflight.
If the run fails: \`kindscope rollback --cluster NAME --yes\`.`,
  options: { cluster: { type: 'string' }, cilium: { type: 'string' }, yes: { type: 'boolean', default: false } },
  async run(context) {
    const cluster = clusterOf(context, 'upgrade');
    if (typeof cluster === 'number') return cluster;
    const cilium = context.values.cilium;
    if (typeof cilium !== 'string')
      return context.usageError('upgrade needs --cilium VERSION (e.g. --cilium 1.20.2: the release to move to)');
    const plan = await context.client.invoke('lab:upgrade-plan', { cluster, cilium });
    if (!plan.ok) return context.fail(plan.error);
    const preflight = plan.value;
    const text = preflightText(preflight);
    if (preflight.blocked || context.values.yes !== true) {
      const how = preflight.blocked
        ? 'The upgrade is blocked: fix the BLOCKING items above, then run it again. Nothing was changed.\n'
        : `Run again with --yes to confirm the items above and run:\n${preflight.steps.map((s, i) => `  ${i + 1}. ${s.title}\n     $ ${s.command}\n`).join('')}`;
      if (context.json) {
        context.print({ preflight, changed: false }, '');
        context.output.err(how);
      } else context.output.err(`${text}${how}`);
      return ExitCode.failed;
    }
    context.output.err(text);
    const confirmed = preflight.items.filter((i) => i.needsConfirmation).map((i) => i.id);
    return follow(
      context,
      () => context.client.invoke('lab:upgrade', { cluster, cilium, confirm: true, confirmed }),
      (run) => `Upgraded ${cluster} to Cilium ${preflight.to}:\n${verifiedText(run)}`,
      {
        json: { preflight },
        onFailure: `  roll back: kindscope rollback --cluster ${cluster} --yes (helm rollback to revision ${preflight.revision ?? 'previous'} and the saved objects restored)\n`,
      },
    );
  },
};

export const rollbackCommand: CliCommand = {
  name: 'rollback',
  summary: 'Roll Cilium back after an upgrade: helm rollback and the saved Cilium objects restored, then verified',
  help: `kindscope rollback --cluster NAME [--yes] [--json]

Rolls the Cilium release back to the revision it had before the last \`kindscope upgrade\`
(helm's previous revision when Kindscope made no upgrade), restores the Cilium objects that
upgrade saved, waits for the rollout and proves every LoadBalancer IP answers. A run.`,
  options: { cluster: { type: 'string' }, yes: { type: 'boolean', default: false } },
  async run(context) {
    const cluster = clusterOf(context, 'rollback');
    if (typeof cluster === 'number') return cluster;
    if (context.values.yes !== true) {
      // Read first: a cluster without a Cilium release (or not there at all) is said now, not after --yes.
      const now = await context.client.invoke('lab:upgrade-targets', { cluster });
      if (!now.ok) return context.fail(now.error);
      context.output.err(
        `Rolling back ${cluster} (Cilium ${now.value.from} now) runs helm rollback on the Cilium release and restores the objects the last upgrade saved.\n` +
          'Run again with --yes to roll back.\n',
      );
      return ExitCode.failed;
    }
    return follow(
      context,
      () => context.client.invoke('lab:rollback', { cluster, confirm: true }),
      (run) => `Rolled ${cluster} back:\n${verifiedText(run)}`,
    );
  },
};

export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary: 'Re-create a lab from its saved plan on a newer node image (kind cannot upgrade Kubernetes in place)',
  help: `kindscope rebuild --cluster NAME [--kind VERSION] [--image IMAGE] [--yes] [--json]

Deletes the lab and creates it again from the plan Kindscope saved when it built it, on a new node
image from the compatibility table (--image, the default image of --kind, or else the newest one
tested with the lab's Cilium), then proves every LoadBalancer IP answers. Kindscope's objects (the
pool, the L2 policy or BGP objects, the sample) are made again; your own workloads are NOT carried.
Without --yes it only lists what is deleted and carried.`,
  options: {
    cluster: { type: 'string' },
    kind: { type: 'string' },
    image: { type: 'string' },
    yes: { type: 'boolean', default: false },
  },
  async run(context) {
    const cluster = clusterOf(context, 'rebuild');
    if (typeof cluster === 'number') return cluster;
    const { kind, image } = context.values;
    const choice = {
      ...(typeof kind === 'string' ? { kind } : {}),
      ...(typeof image === 'string' ? { image } : {}),
    };
    const plan = await context.client.invoke('lab:rebuild-plan', { cluster, ...choice });
    if (!plan.ok) return context.fail(plan.error);
    const p = plan.value;
    const text =
      `Rebuilding ${cluster} on ${p.image.split('@')[0]} (kind ${p.kind}, Kubernetes ${p.kubernetes}, Cilium ${p.cilium}):\n` +
      `  deleted: ${p.deletes.join(', ')}\n` +
      `  made again from the plan: ${p.carried.join('; ')}\n` +
      `  ${p.notCarried}\n`;
    if (context.values.yes !== true) {
      context.output.err(`${text}Run again with --yes to rebuild.\n`);
      return ExitCode.failed;
    }
    context.output.err(text);
    return follow(
      context,
      () => context.client.invoke('lab:rebuild', { cluster, confirm: true, ...choice }),
      (run) => `Rebuilt ${cluster} on Kubernetes ${p.kubernetes}:\n${verifiedText(run)}`,
      { json: { rebuild: p } },
    );
  },
};
