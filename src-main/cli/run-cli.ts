import { parseArgs } from 'node:util';
import { createTypedClient, ToolName, type AppError } from '../contract';
import { createApp, type AppOptions } from '../app/compose';
import { formatClusterList, formatTopology } from './format-topology';
import { formatClusterStatus } from './format-status';
import { ExitCode, formatDockerStatus, formatError, formatTools, type Output } from './output';

export const usage = `Usage: kindscope <command> [options]

Commands:
  docker            The Docker engine Kindscope (and kind) use: endpoint, version, flavour
  tools             kind, helm, kubectl, cilium, docker (and brew on macOS): path, version,
                    where each was found, status and fix
  tools download NAME
                    Install the pinned version of kind, helm, kubectl or cilium (SHA-256 checked)
  status --cluster NAME
                    Nodes, Cilium, LoadBalancer IPs with their lease holders, and why an IP is
                    <pending> or unanswered (with the fix); pools, policies, leases
  check --cluster NAME --service [NAMESPACE/]NAME
                    curl a LoadBalancer service from this machine, see which node answered ARP,
                    and explain the result
  topology          The data path of kind clusters: bridge, veth pairs, nodes, routes explained
                    (--cluster NAME for one; all clusters otherwise)
  version           Print Kindscope's version

Options:
  --json            Machine-readable output on stdout (errors as {"error":{code,message,hint}})
  -h, --help        Show this help

Conventions for cluster commands: --cluster NAME names an existing cluster, --name NAME
the one being created, --yes confirms a destructive action without a prompt.

Exit codes: 0 success, 1 the command failed, 2 wrong usage, 130 interrupted.
`;

/**
 * The `kindscope` command line: a transport over the same handler table as the desktop
 * window and serve mode. Returns the exit code; never throws for an expected failure.
 */
export async function runCli(argv: string[], output: Output, appOptions: Partial<AppOptions> = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        cluster: { type: 'string' },
        service: { type: 'string' },
      },
    });
  } catch (error) {
    output.err(formatError({ code: 'INVALID_INPUT', message: (error as Error).message, hint: 'Run `kindscope --help` for the commands and options.' }));
    return ExitCode.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (command || values.help ? output.out : output.err)(usage);
    return values.help ? ExitCode.ok : ExitCode.usage;
  }
  if (rest.length > 0 && command !== 'tools') {
    output.err(formatError({ code: 'INVALID_INPUT', message: `Unexpected argument "${rest[0]}"`, hint: `Run \`kindscope ${command} --help\`.` }));
    return ExitCode.usage;
  }

  const app = createApp({ transport: 'cli', live: false, ...appOptions });
  const client = createTypedClient(app.router);
  const usageError = (message: string) => {
    output.err(formatError({ code: 'INVALID_INPUT', message, hint: 'Run `kindscope --help`.' }));
    return ExitCode.usage;
  };
  const fail = (error: AppError) => {
    if (values.json) output.out(`${JSON.stringify({ error }, null, 2)}\n`);
    else output.err(formatError(error));
    return ExitCode.failed;
  };
  try {
    switch (command) {
      case 'version': {
        const result = await client.invoke('app:info', {});
        if (!result.ok) return fail(result.error);
        output.out(values.json ? `${JSON.stringify(result.value, null, 2)}\n` : `Kindscope ${result.value.version}\n`);
        return ExitCode.ok;
      }
      case 'docker': {
        const result = await client.invoke('docker:engine', { refresh: true });
        if (!result.ok) return fail(result.error);
        const status = result.value;
        output.out(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatDockerStatus(status));
        return status.state === 'live' ? ExitCode.ok : ExitCode.failed;
      }
      case 'tools': {
        const [verb, tool, ...extra] = rest;
        if (verb === 'download') {
          const parsedTool = ToolName.safeParse(tool);
          if (!parsedTool.success || extra.length > 0) return usageError(`tools download takes one of ${ToolName.options.join(', ')}`);
          const stopProgress = values.json ? undefined : client.subscribe('tools:download-progress', () => undefined);
          const result = await client.invoke('tools:download', { tool: parsedTool.data });
          stopProgress?.();
          if (!result.ok) return fail(result.error);
          output.out(values.json ? `${JSON.stringify(result.value, null, 2)}\n` : `Installed ${result.value.name} ${result.value.version} at ${result.value.path}\n`);
          return ExitCode.ok;
        }
        if (verb !== undefined) return usageError(`Unknown tools command "${verb}"`);
        const result = await client.invoke('tools:report', {});
        if (!result.ok) return fail(result.error);
        output.out(values.json ? `${JSON.stringify(result.value, null, 2)}\n` : formatTools(result.value));
        return result.value.tools.some((t) => t.status === 'missing' || t.status === 'broken' || t.status === 'too-old') ? ExitCode.failed : ExitCode.ok;
      }
      case 'status': {
        if (values.cluster === undefined) return usageError('status needs --cluster NAME (see `kindscope topology` for the clusters)');
        const result = await client.invoke('cluster:status', { cluster: values.cluster });
        if (!result.ok) return result.error.code === 'INVALID_INPUT' ? usageError(result.error.message.replace('input.cluster', '--cluster')) : fail(result.error);
        output.out(values.json ? `${JSON.stringify(result.value, null, 2)}\n` : formatClusterStatus(result.value));
        return ExitCode.ok;
      }
      case 'check': {
        if (values.cluster === undefined || values.service === undefined) return usageError('check needs --cluster NAME and --service [NAMESPACE/]NAME');
        const [namespace, service] = values.service.includes('/') ? values.service.split('/', 2) : ['default', values.service];
        const result = await client.invoke('troubleshoot:check-service', { cluster: values.cluster, namespace: namespace!, service: service! });
        if (!result.ok) return result.error.code === 'INVALID_INPUT' ? usageError(result.error.message) : fail(result.error);
        const check = result.value;
        if (values.json) output.out(`${JSON.stringify(check, null, 2)}\n`);
        else output.out(`${check.service}: ${check.verdict}\n  ${check.explanation}\n${check.http?.body ? `  response: ${check.http.body.trim()}\n` : ''}${check.findings.map((f) => `  ! ${f.message}\n    fix: ${f.fix}\n`).join('')}`);
        return check.verdict === 'answers' ? ExitCode.ok : ExitCode.failed;
      }
      case 'topology': {
        if (values.cluster !== undefined) {
          const result = await client.invoke('topology:snapshot', { cluster: values.cluster });
          if (!result.ok) return result.error.code === 'INVALID_INPUT' ? usageError(result.error.message.replace('input.cluster', '--cluster')) : fail(result.error);
          output.out(values.json ? `${JSON.stringify(result.value, null, 2)}\n` : formatTopology(result.value));
          return ExitCode.ok;
        }
        const list = await client.invoke('topology:clusters', {});
        if (!list.ok) return fail(list.error);
        const topologies = [];
        for (const cluster of list.value.clusters) {
          const result = await client.invoke('topology:snapshot', { cluster: cluster.name });
          if (!result.ok) return fail(result.error);
          topologies.push(result.value);
        }
        if (values.json) output.out(`${JSON.stringify({ clusters: topologies }, null, 2)}\n`);
        else output.out(topologies.length === 0 ? formatClusterList([]) : topologies.map(formatTopology).join('\n'));
        return ExitCode.ok;
      }
      default:
        output.err(formatError({ code: 'INVALID_INPUT', message: `Unknown command "${command}"`, hint: 'Run `kindscope --help` for the commands.' }));
        return ExitCode.usage;
    }
  } finally {
    await app.dispose();
  }
}
