import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { CliCommand, CliContext } from '../cli-command';
import { findingSentence, type LabFinding, type LabRendering } from '../../contract';
import { ExitCode } from '../output';

/** Reads a file the user named, or says which one could not be read. */
export function readNamedFile(path: string, flag: string): { text: string } | { problem: string } {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (error) {
    return {
      problem: `${flag} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    };
  }
}

export function formatFindings(findings: readonly LabFinding[]): string {
  if (findings.length === 0) return 'No findings.\n';
  return findings
    .map(
      (f) =>
        `  ${f.severity === 'error' ? '✗' : f.severity === 'warning' ? '!' : '·'} [${f.code}] ` +
        `${findingSentence(f)}\n    fix${f.applied ? ' (applied)' : ''}: ${f.fix}\n`,
    )
    .join('');
}

/** The pool as the run will have it: the block, or how it is carved once kind made the network. */
function poolWords(r: LabRendering): string {
  if (r.poolCidr) return r.poolCidr;
  const carved = r.findings.find((f) => f.code === 'pool-carved-at-run');
  return carved
    ? `carved at run time (${carved.message.replace(/^pool\.cidr is auto: the pool is /, '').replace(/\.$/, '')})`
    : r.plan.pool.cidr;
}

function formatRendering(r: LabRendering): string {
  const { cluster, cilium } = r.plan;
  const section = (title: string, body: string) => `--- ${title}\n${body.endsWith('\n') ? body : `${body}\n`}`;
  return [
    `Lab "${cluster.name}": kind ${cluster.kindVersion}, ` +
      `${cluster.nodeImage}\n  ${cluster.controlPlanes} control plane(s) + ${cluster.workers} ` +
      `worker(s), Cilium ${cilium.version}, LoadBalancer pool ${poolWords(r)}\n`,
    ...(r.pairing
      ? [
          `Pairing: kind ${r.pairing.kind} ` +
            `(Kubernetes ${r.pairing.kubernetes}) with Cilium ${r.pairing.cilium}: ` +
            (`${r.pairing.tested ? 'listed as e2e tested' : `UNTESTED${r.pairing.acknowledged ? ' (acknowledged)' : ''}`}` +
              `\n${r.pairing.sources.map((s) => `  source: ${s}\n`).join('')}`),
        ]
      : []),
    `Findings:\n${formatFindings(r.findings)}`,
    section('kind config (kind-config.yaml)', r.kindConfig),
    section('Cilium values (cilium-values.yaml)', stringify(r.helmValues)),
    section('pool', r.manifests.pool),
    ...(r.plan.announce === 'bgp' && r.manifests.bgp
      ? [section(`BGP (announce: bgp; the nodes peer with ${r.plan.cluster.name}-router)`, r.manifests.bgp)]
      : [section('L2 announcement policy', r.manifests.l2Policy)]),
    ...(r.manifests.sample ? [section('sample app', r.manifests.sample)] : []),
    // The run's own steps (the very list `create` journals), as Review shows them; the script's
    // steps are the standalone script's (`kindscope script`).
    `Steps:\n${(r.runSteps ?? r.steps).map((s, i) => `  ${i + 1}. ${s.title}`).join('\n')}\n`,
  ].join('\n');
}

type Source = { plan: unknown } | { yaml: string } | { name: string };

const untestedReason = 'acknowledged on the command line (--allow-untested)';

/** A plan object with the untested pairing acknowledged (`--allow-untested`), marked in the plan. */
export function acknowledgeUntested(plan: unknown): Record<string, unknown> {
  const object = (plan && typeof plan === 'object' ? structuredClone(plan) : {}) as Record<string, unknown>;
  const cilium = (object.cilium && typeof object.cilium === 'object' ? object.cilium : {}) as Record<string, unknown>;
  object.cilium = { ...cilium, allowUntested: true, untestedReason: cilium.untestedReason ?? untestedReason };
  return object;
}

/** `--allow-untested` applied to a plan source. */
export function withUntestedAcknowledged(source: Source): Source {
  if ('plan' in source) return { plan: acknowledgeUntested(source.plan) };
  if ('yaml' in source) return { yaml: stringify(acknowledgeUntested(parse(source.yaml)), { version: '1.1' }) };
  return { plan: acknowledgeUntested({ cluster: { name: source.name } }) };
}

/** `--announce l2|bgp` applied to a plan source (the flag wins over lab.yaml's `announce`). */
export function withAnnounce(source: Source, announce: string): Source {
  const set = (plan: unknown) => ({ ...(plan && typeof plan === 'object' ? plan : {}), announce });
  if ('plan' in source) return { plan: set(source.plan) };
  if ('yaml' in source) return { yaml: stringify(set(parse(source.yaml)), { version: '1.1' }) };
  return { plan: set({ cluster: { name: source.name } }) };
}

/** `--announce`'s value, or a usage problem naming the flag and its choices. */
export function announceFlag(value: unknown): { announce?: 'l2' | 'bgp' } | string {
  if (value === undefined) return {};
  if (value === 'l2' || value === 'bgp') return { announce: value };
  return `--announce ${String(value)}: must be l2 (a node answers ARP, the default) or bgp (the nodes peer with a router beside the lab)`;
}

/** The plan source from --import / -f / --name, reading the named files; a string is a usage problem. */
async function planSource({
  client,
  values,
  positionals,
}: CliContext): Promise<{ source: Source; name?: string; findings: LabFinding[] } | string> {
  const name = typeof values.name === 'string' ? values.name : undefined;
  const imports = [...((values.import as string[] | undefined) ?? []), ...(values.import ? positionals : [])];
  if (positionals.length && !values.import)
    return `unexpected argument "${positionals[0]}" (files to import go after --import)`;
  if (imports.length && typeof values.file === 'string') return 'give either -f lab.yaml or --import FILE…, not both';
  if (imports.length) {
    const sources = [];
    for (const path of imports) {
      const read = readNamedFile(path, '--import');
      if ('problem' in read) return read.problem;
      sources.push({ name: path, text: read.text });
    }
    const imported = await client.invoke('lab:import', { sources, ...(name ? { name } : {}) });
    if (!imported.ok) throw imported.error;
    return { source: { plan: imported.value.plan }, findings: imported.value.findings };
  }
  if (typeof values.file === 'string') {
    const read = readNamedFile(values.file, '-f');
    if ('problem' in read) return read.problem;
    return { source: { yaml: read.text }, ...(name ? { name } : {}), findings: [] };
  }
  if (name) return { source: { name }, findings: [] };
  return 'needs --name NAME, -f lab.yaml or --import FILE…';
}

/** Import findings first, then what validation adds, without repeating a code. */
const mergeFindings = (first: LabFinding[], then: LabFinding[]) => [
  ...first,
  ...then.filter((f) => !first.some((x) => x.code === f.code && x.field === f.field)),
];

export async function renderFromCli(
  context: CliContext,
  script: boolean,
): Promise<{ rendering?: LabRendering & { script?: string }; findings: LabFinding[]; plan?: unknown; exit?: number }> {
  let source;
  try {
    source = await planSource(context);
  } catch (error) {
    return { findings: [], exit: context.fail(error as never) };
  }
  if (typeof source === 'string')
    return { findings: [], exit: context.usageError(`${script ? 'script' : 'plan'} ${source}`) };
  let planSourceValue = source.source;
  const announce = announceFlag(context.values.announce);
  if (typeof announce === 'string') return { findings: [], exit: context.usageError(announce) };
  if (announce.announce) {
    try {
      planSourceValue = withAnnounce(planSourceValue, announce.announce);
    } catch (error) {
      return { findings: [], exit: context.usageError(`-f: not YAML (${(error as Error).message.split('\n')[0]})`) };
    }
  }
  if (context.values['allow-untested']) {
    try {
      planSourceValue = withUntestedAcknowledged(planSourceValue);
    } catch (error) {
      return { findings: [], exit: context.usageError(`-f: not YAML (${(error as Error).message.split('\n')[0]})`) };
    }
  }
  const rendered = await context.client.invoke('lab:render', {
    ...planSourceValue,
    ...(source.name ? { name: source.name } : {}),
    script,
  });
  if (!rendered.ok) {
    const plan = 'plan' in source.source ? source.source.plan : undefined;
    if (context.json && !script)
      context.output.out(`${JSON.stringify({ plan, findings: source.findings, error: rendered.error }, null, 2)}\n`);
    else if (source.findings.length) context.output.err(`Findings:\n${formatFindings(source.findings)}`);
    return {
      findings: source.findings,
      exit: context.json && !script ? ExitCode.failed : context.fail(rendered.error),
    };
  }
  return { rendering: rendered.value, findings: mergeFindings(source.findings, rendered.value.findings) };
}

export const planCommand: CliCommand = {
  name: 'plan',
  summary: "The lab plan: kind config, Cilium values, pool, L2 policy and sample app; import an article's commands",
  help: `kindscope plan [--name N] [-f lab.yaml] [--import FILE…] [--announce l2|bgp] [--allow-untested] [--save lab.yaml [--yes]] [--json]

Prints everything a lab would create — the kind config, the Cilium chart values, the
LoadBalancer pool carved from the kind network, the L2 announcement policy, the sample
app and the ordered steps — with every finding and its fix. --import reads kind configs,
values files and helm/kind command lines (or a paste of them, as copied from an article)
into a plan, each mistake explained and fixed. --json prints
{ plan, kindConfig, helmValues, manifests, findings, steps (the script's), runSteps (the run's) }. --save writes the plan as lab.yaml
(an existing file only with --yes). --allow-untested accepts a node image whose Kubernetes
the plan's Cilium does not list as e2e tested (Cilium: such versions "depend on the forward /
backward compatibility offered by Kubernetes"); the plan records the acknowledgement
(cilium.allowUntested). --announce bgp makes the LoadBalancer IPs reachable through Cilium's
BGP control plane and a router beside the lab instead of L2 announcements (announce: bgp in
lab.yaml; l2 is the default). Exit 1 when the plan is refused.`,
  options: {
    name: { type: 'string' },
    file: { type: 'string', short: 'f' },
    import: { type: 'string', multiple: true },
    save: { type: 'string' },
    yes: { type: 'boolean' },
    'allow-untested': { type: 'boolean' },
    announce: { type: 'string' },
  },
  positionals: true,
  async run(context) {
    const { rendering, findings, exit } = await renderFromCli(context, false);
    if (!rendering) return exit ?? ExitCode.failed;
    const save = context.values.save;
    if (typeof save === 'string') {
      if (existsSync(save) && !context.values.yes)
        return context.usageError(`--save ${save}: the file exists; add --yes to replace it`);
      writeFileSync(save, rendering.labYaml);
    }
    const { plan, kindConfig, helmValues, manifests, pairing } = rendering;
    context.print(
      {
        plan,
        kindConfig,
        helmValues,
        manifests,
        findings,
        poolCidr: rendering.poolCidr,
        steps: rendering.steps,
        runSteps: rendering.runSteps,
        ...(pairing ? { pairing } : {}),
      },
      formatRendering({ ...rendering, findings }) + (typeof save === 'string' ? `\nSaved the plan to ${save}\n` : ''),
    );
    return ExitCode.ok;
  },
};
