import { parseServiceRef, type CliCommand } from '../cli-command';
import { ExitCode } from '../output';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'curl a LoadBalancer service from this machine, see which node answered ARP, explain',
  help: `kindscope check --cluster NAME --service [NAMESPACE/]NAME [--json]

Sends an HTTP request to the service's external IP from this machine, reads which MAC
answered ARP for it, and explains the result. Exit 1 when the service does not answer.`,
  options: { cluster: { type: 'string' }, service: { type: 'string' } },
  async run({ client, values, fail, usageError, print }) {
    if (typeof values.cluster !== 'string' || typeof values.service !== 'string') return usageError('check needs --cluster NAME and --service [NAMESPACE/]NAME');
    const { namespace, service } = parseServiceRef(values.service);
    const result = await client.invoke('troubleshoot:check-service', { cluster: values.cluster, namespace, service });
    if (!result.ok) return result.error.code === 'INVALID_INPUT' ? usageError(result.error.message) : fail(result.error);
    const check = result.value;
    print(
      check,
      `${check.service}: ${check.verdict}\n  ${check.explanation}\n${check.http?.body ? `  response: ${check.http.body.trim()}\n` : ''}${check.findings.map((f) => `  ! ${f.message}\n    fix: ${f.fix}\n`).join('')}`,
    );
    return check.verdict === 'answers' ? ExitCode.ok : ExitCode.failed;
  },
};
