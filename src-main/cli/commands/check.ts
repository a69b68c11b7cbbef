import { parseServiceRef, type CliCommand } from '../cli-command';
import { ExitCode } from '../output';
import { loadBalancers } from './cluster-summary';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'curl a LoadBalancer service from this machine, see which node answered ARP, explain',
  help: `kindscope check --cluster NAME [--service [NAMESPACE/]NAME] [--json]

Sends an HTTP request to the service's external IP from this machine, reads which MAC
answered ARP for it (this machine's neighbour entry, right after the request), and explains
the result beside the L2 lease's holder. Exit 1 when the service does not answer; an
unknown service is an error listing the cluster's LoadBalancer services. Without --service,
the cluster's only LoadBalancer service is checked (several: name one).`,
  options: { cluster: { type: 'string' }, service: { type: 'string' } },
  async run({ client, values, fail, usageError, print }) {
    if (typeof values.cluster !== 'string') return usageError('check needs --cluster NAME');
    let ref: { namespace: string; service: string };
    if (typeof values.service === 'string') ref = parseServiceRef(values.service);
    else {
      // The only LoadBalancer service is the one meant; with several, say which exist.
      const status = await client.invoke('cluster:status', { cluster: values.cluster });
      if (!status.ok)
        return status.error.code === 'INVALID_INPUT' ? usageError(status.error.message) : fail(status.error);
      const candidates = loadBalancers(status.value);
      if (candidates.length !== 1)
        return usageError(
          candidates.length === 0
            ? `cluster ${values.cluster} has no LoadBalancer service to check`
            : `cluster ${values.cluster} has ${candidates.length} LoadBalancer services: ` +
                `give one with --service (${candidates.map((s) => `${s.namespace}/${s.name}`).join(', ')})`,
        );
      ref = { namespace: candidates[0]!.namespace, service: candidates[0]!.name };
    }
    const { namespace, service } = ref;
    const result = await client.invoke('troubleshoot:check-service', { cluster: values.cluster, namespace, service });
    if (!result.ok)
      return result.error.code === 'INVALID_INPUT' && result.error.message.startsWith('Invalid input')
        ? usageError(result.error.message)
        : fail(result.error);
    const check = result.value;
    const lease = check.leaseHolder
      ? `  lease held by ${check.leaseHolder.node}${check.leaseHolder.mac ? ` (${check.leaseHolder.mac})` : ''}\n`
      : '';
    const answered = check.answeredBy
      ? `  answered ARP: ${check.answeredBy.node ?? 'no node'} (${check.answeredBy.mac}, checked ${check.answeredBy.checkedAt.slice(11, 19)})\n`
      : '';
    const proof = check.proof
      ? `  proof: ${
          check.proof.proven
            ? 'proven (path, who answered ARP, what answered)'
            : `not proven — ${check.proof.failing ?? '?'} ` +
              `fails${check.proof.fix ? `\n    fix: ${check.proof.fix}` : ''}`
        }\n`
      : '';
    print(
      check,
      `${check.service}: ${check.verdict}\n  ` +
        (`${check.explanation}\n${lease}${answered}${proof}` +
          `${check.http?.body ? `  response: ${check.http.body.trim()}\n` : ''}` +
          `${check.findings.map((f) => `  ! ${f.message}\n    fix: ${f.fix}\n`).join('')}`),
    );
    return check.verdict === 'answers' ? ExitCode.ok : ExitCode.failed;
  },
};
