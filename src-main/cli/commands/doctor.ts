import type { CliCommand } from '../cli-command';
import { ExitCode } from '../output';
import { bgpFindingsFor } from './bgp-findings';
import { everyClusterStatus, findingsOf } from './cluster-summary';
import { describeIncomplete } from './format-status';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'What is wrong with a cluster (or every cluster), each finding with its fix',
  help: `kindscope doctor [--cluster NAME] [--json]

Every finding Kindscope has for the cluster — Cilium, LB-IPAM, L2 announcements, pools,
what a probe measured, and in BGP mode the sessions (what the nodes claim, what the router
measured), the BGP objects, the pool and this machine's route to it — each with what it is
about and the fix (\`kindscope fix\` makes those marked [repair]). Without --cluster, every
kind cluster on the engine. Exit 0 when there is nothing to fix, 1 when there are findings
or some of the state could not be read (then it says what is missing).`,
  options: { cluster: { type: 'string' } },
  async run({ client, values, fail, usageError, print }) {
    let statuses;
    if (typeof values.cluster === 'string') {
      const result = await client.invoke('cluster:status', { cluster: values.cluster });
      if (!result.ok)
        return result.error.code === 'INVALID_INPUT' ? usageError(result.error.message) : fail(result.error);
      statuses = [result.value];
    } else {
      const result = await everyClusterStatus(client);
      if (!result.ok) return fail(result.error);
      statuses = result.statuses;
    }
    // BGP mode (issue 29): the sessions, the router and the BGP objects, beside the model's findings
    // (which say nothing of leases, policies or ARP on a release that announces by BGP alone:
    // core/diagnose/bgp-mode.ts, the one place that decides it).
    const bgp = await Promise.all(statuses.map((status) => bgpFindingsFor(client, status.cluster)));
    const report = statuses.map((status, i) => ({
      cluster: status.cluster,
      complete: status.complete,
      ...(status.complete ? {} : { incomplete: describeIncomplete(status) }),
      findings: [...findingsOf(status), ...bgp[i]!.findings],
    }));
    const text = report.length
      ? report
          .map((r) => {
            const count =
              r.findings.length === 0
                ? 'nothing to fix'
                : r.findings.length === 1
                  ? '1 finding'
                  : `${r.findings.length} findings`;
            const head = `${r.cluster}: ${count}`;
            const lines = r.findings.map(
              (f) =>
                `  ! [${f.scope}] ${f.message}\n    fix: ${f.fix}${'repair' in f && f.repair ? ` [repair: ${f.repair}]` : ''}`,
            );
            if (r.incomplete) lines.push(`  ? ${r.incomplete}`);
            return [head, ...lines].join('\n');
          })
          .join('\n\n') + '\n'
      : 'No kind clusters on this Docker engine.\n';
    print({ clusters: report }, text);
    return report.every((r) => r.complete && r.findings.length === 0) ? ExitCode.ok : ExitCode.failed;
  },
};
