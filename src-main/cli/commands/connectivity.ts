import type { ConnectivityHop, ConnectivityReport, FixStep } from '../../contract';
import type { CliCommand } from '../cli-command';
import { ExitCode } from '../output';

export function formatHops(hops: readonly ConnectivityHop[]): string {
  return hops
    .map((h) => `${h.ok ? '✓' : '✗'} ${h.hop}\n    ${h.detail}${h.fix ? `\n    fix: ${h.fix}` : ''}`)
    .join('\n');
}

function formatPlan(report: ConnectivityReport, plan: readonly FixStep[]): string {
  if (plan.length === 0) return report.planNote ?? 'Nothing to install or start.';
  return plan
    .map(
      (s, i) =>
        `  ${i + 1}. ${s.display}${s.elevated ? '   (as root: macOS asks for an administrator password)' : '   (as you)'}`,
    )
    .join('\n');
}

export const connectivityCommand: CliCommand = {
  name: 'connectivity',
  summary:
    "Check hop by hop that this machine reaches the cluster's node and LoadBalancer IPs; install docker-mac-net-connect on macOS",
  help: `kindscope connectivity --cluster NAME [--fix [--yes]] [--remove [--yes]] [--json]

Checks, from Docker and this machine alone (so it works when the cluster's API does not
answer): the host route to each Docker subnet of the cluster (longest prefix match over
\`ip -j route\`, or macOS \`netstat -rn -f inet\` cross-checked with \`route -n get\`), a ping
to every node IP, and a TCP connect + HTTP request to every LoadBalancer IP (VIPs do not
answer ping, cilium/cilium#14118). Names the first failing hop and its fix.

--fix: on macOS with Docker Desktop, install docker-mac-net-connect with Homebrew (as you)
and start its service (as root, through the administrator prompt), then verify. Without
--yes it prints the exact commands and exits 1.
--remove: stop and uninstall docker-mac-net-connect (with --yes).
--json: the hop list [{ hop, ok, detail, fix? }] in path order (after --fix, the verification's).
Exit 0 when every hop answers, 1 otherwise.`,
  options: {
    cluster: { type: 'string' },
    fix: { type: 'boolean', default: false },
    remove: { type: 'boolean', default: false },
    yes: { type: 'boolean', default: false },
  },
  async run({ client, values, fail, usageError, print, output, json }) {
    if (typeof values.cluster !== 'string') return usageError('connectivity needs --cluster NAME');
    if (values.fix === true && values.remove === true) return usageError('pass one of --fix or --remove');
    if (values.yes === true && values.fix !== true && values.remove !== true)
      return usageError('--yes confirms --fix or --remove');
    const cluster = values.cluster;
    const checked = await client.invoke('connectivity:check', { cluster });
    if (!checked.ok)
      return checked.error.code === 'INVALID_INPUT' ? usageError(checked.error.message) : fail(checked.error);
    const report = checked.value;
    if (values.fix !== true && values.remove !== true) {
      print(
        report.hops,
        `${formatHops(report.hops)}${
          report.failingHop
            ? `\n\nFailing hop: ${report.failingHop}${
                report.plan.length
                  ? `\n\`kindscope connectivity --cluster ${cluster} --fix\` would ` +
                    `run:\n${formatPlan(report, report.plan)}`
                  : report.planNote
                    ? `\n${report.planNote}`
                    : ''
              }`
            : '\n\nEvery hop answers.'
        }\n`,
      );
      return report.failingHop ? ExitCode.failed : ExitCode.ok;
    }
    const remove = values.remove === true;
    if (values.yes !== true) {
      // Shown before anything runs: the exact commands, so the user knows what the prompt is for.
      const plan = remove ? report.removePlan : report.plan;
      const text = plan.length
        ? `${remove ? 'Removing' : 'Fixing'} runs exactly:\n${formatPlan(report, plan)}\n\nRun again with --yes to do it.\n`
        : `${formatPlan(report, plan)}\n`;
      if (json) print({ consentRequired: true, plan }, text);
      else output.err(text);
      return ExitCode.failed;
    }
    const result = await client.invoke(remove ? 'connectivity:remove' : 'connectivity:fix', { cluster });
    if (!result.ok) return fail(result.error);
    const steps = result.value.steps
      .map((s) => `${s.ok ? '✓' : '✗'} ${s.display}${s.denied ? ' (administrator prompt cancelled)' : ''}`)
      .join('\n');
    print(
      result.value.report.hops,
      `${steps ? `${steps}\n\n` : ''}${formatHops(result.value.report.hops)}\n\n${result.value.summary}\n`,
    );
    if (json) output.err(`${result.value.summary}\n`);
    return result.value.ok ? ExitCode.ok : ExitCode.failed;
  },
};
