import type { DnsNames, DnsStatus, DnsWiringPlan } from '../../contract';
import type { CliCommand, CliContext } from '../cli-command';
import { ExitCode } from '../output';

const subcommands = ['serve', 'status', 'wire', 'unwire'] as const;

export const dnsCommand: CliCommand = {
  name: 'dns',
  summary: 'Names for LoadBalancer IPs (<service>.<namespace>.<cluster>.kind.internal): list, serve, wire the OS',
  help: `kindscope dns [--cluster NAME] [--json]
       kindscope dns serve [--port P]
       kindscope dns status [--port P] [--json]
       kindscope dns wire [--port P] [--yes]
       kindscope dns unwire [--yes]

Without a subcommand: every name in kind.internal — each LoadBalancer service with an
external IP as <service>.<namespace>.<cluster>.kind.internal, each node as
<node>.<cluster>.kind.internal — with its current addresses.

serve    runs the DNS responder on 127.0.0.1 (UDP and TCP, port 15353 or --port, or
         KINDSCOPE_DNS_PORT) in the foreground until Ctrl-C, for headless servers. The
         desktop app and serve mode run it themselves while they run.
status   the responder, and whether this machine's resolver sends kind.internal to it
         (a probe name resolved through the system resolver).
wire     tells the OS to send kind.internal to the responder: prints every file and
         command first; runs them through one administrator prompt with --yes.
unwire   undoes it the same way.`,
  options: { cluster: { type: 'string' }, port: { type: 'string' }, yes: { type: 'boolean', default: false } },
  positionals: true,
  async run(context) {
    const [sub, ...extra] = context.positionals;
    if (extra.length > 0) return context.usageError(`Unexpected argument "${extra[0]}"`);
    if (sub !== undefined && !(subcommands as readonly string[]).includes(sub))
      return context.usageError(`Unknown dns subcommand "${sub}": use one of ${subcommands.join(', ')}`);
    if (sub !== undefined && context.values.cluster !== undefined)
      return context.usageError(
        `--cluster is for \`kindscope dns\` (the list), not \`dns ${sub}\`: the responder answers for every cluster`,
      );
    if (context.values.yes === true && sub !== 'wire' && sub !== 'unwire')
      return context.usageError('--yes is for `dns wire` and `dns unwire`');
    if (sub === undefined && context.values.port !== undefined)
      return context.usageError('--port is for `dns serve`, `dns status`, `dns wire` and `dns unwire`');
    const port = parsePort(context.values.port);
    if (port === null)
      return context.usageError(
        `--port "${String(context.values.port)}" is not a port number: use a whole number from 1 to 65535`,
      );
    if (sub === 'serve') return serve(context, port);
    if (sub === 'status') return status(context, port);
    if (sub === 'wire' || sub === 'unwire') return wire(context, sub === 'wire' ? 'apply' : 'remove', port);
    return list(context);
  },
};

/** undefined: not given; null: given but not a port. */
function parsePort(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,5}$/.test(value)) return null;
  const port = Number(value);
  return port >= 1 && port <= 65535 ? port : null;
}

async function list({ client, values, fail, usageError, print }: CliContext): Promise<number> {
  const cluster = typeof values.cluster === 'string' ? values.cluster : undefined;
  const result = await client.invoke('dns:names', cluster ? { cluster } : {});
  if (!result.ok)
    return result.error.code === 'INVALID_INPUT'
      ? usageError(result.error.message.replace('input.cluster', '--cluster'))
      : fail(result.error);
  print(result.value, formatNames(result.value));
  return ExitCode.ok;
}

export function formatNames(names: DnsNames): string {
  const rows = names.names.map(
    (n) => `  ${n.name.padEnd(48)} ${n.addresses.join(', ')}${n.kind === 'node' ? '  (node)' : ''}`,
  );
  const notes = [
    ...names.skipped.map((s) => `  ! ${s.cluster}: ${s.reason}`),
    ...names.unavailable.map(
      (u) => `  ! ${u.cluster}: status unavailable (${u.reason}); its names are the last known or missing`,
    ),
  ];
  return (
    `Zone ${names.zone} (TTL ${names.ttl} ` +
    (`s)\n${rows.length ? rows.join('\n') : '  (no LoadBalancer service with an external IP, and no node with an address)'}` +
      `\n${notes.length ? `${notes.join('\n')}\n` : ''}`)
  );
}

function formatStatus(status: DnsStatus): string {
  const responder =
    status.responder.state === 'running'
      ? `running on ${status.responder.address} (UDP and TCP)${status.responder.reason ? ` — ${status.responder.reason}` : ''}`
      : `${status.responder.state}: ${status.responder.reason ?? ''}`;
  return (
    `Zone ${status.zone}, port ${status.port}\n  responder: ${responder}\n  resolver: ` +
    `${status.backend}\n  OS sends queries here: ${status.os.sendsQueries ? 'yes' : 'no'} — ` +
    `${status.os.detail} (checked ${status.os.checkedAt})\n`
  );
}

async function status({ client, fail, print }: CliContext, port: number | undefined): Promise<number> {
  const result = await client.invoke('dns:status', port ? { port } : {});
  if (!result.ok) return fail(result.error);
  print(result.value, formatStatus(result.value));
  return ExitCode.ok;
}

async function serve(context: CliContext, port: number | undefined): Promise<number> {
  const { client, output, fail, signal, json } = context;
  const result = await client.invoke('dns:serve', port ? { port } : {});
  if (!result.ok) return fail(result.error);
  const address = result.value.responder.address ?? `127.0.0.1:${result.value.port}`;
  if (json) output.out(`${JSON.stringify(result.value)}\n`);
  else
    output.out(
      `DNS responder for ${result.value.zone} on ${address} (UDP and TCP), ` +
        `TTL ${result.value.ttl} s. Ctrl-C stops it.\n  try: ` +
        `dig @127.0.0.1 -p ${result.value.port} <service>.<namespace>.<cluster>.kind.internal +short\n`,
    );
  // Runs until interrupted; the app's dispose (run-cli's finally) closes the sockets.
  await new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  return ExitCode.interrupted;
}

function formatPlan(plan: DnsWiringPlan): string {
  const files = plan.files.map((f) => `  file ${f.path}:\n${f.content.replace(/^/gm, '    | ').trimEnd()}\n`).join('');
  const steps = plan.steps
    .map((s, i) => `  ${i + 1}. ${s.description}\n     $ ${s.command}${s.elevated ? '   (as administrator)' : ''}\n`)
    .join('');
  const manual = plan.manual.map((line) => `  - ${line}\n`).join('');
  const script = plan.script
    ? `  exactly this script runs as administrator (Kindscope's own ${plan.template ?? ''}):\n    ${plan.script}\n`
    : '';
  return (
    `${plan.action === 'apply' ? 'Wire' : 'Unwire'} the ${plan.backend} resolver for ` +
    `kind.internal → 127.0.0.1#${plan.port}\n${files}${steps}${script}${manual}${plan.note ? `  note: ${plan.note}\n` : ''}`
  );
}

async function wire(context: CliContext, action: 'apply' | 'remove', port: number | undefined): Promise<number> {
  const { client, values, fail, print, output, json } = context;
  const input = { action, ...(port ? { port } : {}) };
  const planned = await client.invoke('dns:wiring-plan', input);
  if (!planned.ok) return fail(planned.error);
  if (values.yes !== true || planned.value.steps.length === 0) {
    print(
      planned.value,
      `${formatPlan(planned.value)}${planned.value.steps.length ? `\nNothing ran. Run again with --yes to do this (one administrator prompt).\n` : ''}`,
    );
    return planned.value.steps.length === 0 ? ExitCode.failed : ExitCode.ok;
  }
  if (!json) output.out(formatPlan(planned.value));
  const applied = await client.invoke('dns:apply-wiring', { ...input, confirm: true });
  if (!applied.ok) return fail(applied.error);
  print(applied.value, `Done.\n${formatStatus(applied.value.status)}`);
  return ExitCode.ok;
}
