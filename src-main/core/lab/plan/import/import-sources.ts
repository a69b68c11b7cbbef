/**
 * First half of the importer: what the pasted sources say, gathered without judging —
 * the kind config, `kind create` and `helm install|upgrade` command lines with their
 * `--set`s in order, values files, pools, L2 policies and the sample app.
 */
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { LabFinding } from '../../../../contract';
import { parseSetArgument, type Assignment } from './helm-set';
import { readPaste, type PastedCommand } from './paste';

export interface Located {
  line: number;
  source: string;
}

export interface SetValue extends Assignment, Located {
  key: string;
}

export interface HelmCommand extends Located {
  verb: 'install' | 'upgrade';
  release?: string;
  chart?: string;
  version?: string;
  namespace?: string;
}

export interface KubeDoc extends Located {
  body: Record<string, unknown>;
}

export interface Gathered {
  kindConfig?: KubeDoc;
  kindCreate?: { name?: string; image?: string } & Located;
  helm?: HelmCommand;
  sets: SetValue[];
  valuesDocs: KubeDoc[];
  pools: KubeDoc[];
  policies: KubeDoc[];
  /** BGP control plane v1's CiliumBGPPeeringPolicy (import-bgp-v1.ts translates it). */
  bgpPolicies: KubeDoc[];
  workloads: KubeDoc[];
  /** `-f FILE` of the helm command: merged when one of the sources has that name. */
  valuesFiles: ({ file: string } & Located)[];
  findings: LabFinding[];
}

export const finding = (
  code: string,
  field: string,
  message: string,
  fix: string,
  applied: boolean,
  severity: LabFinding['severity'] = 'warning',
): LabFinding => ({ code, field, message, fix, severity, applied });
const where = (at: Located) => `${at.source}:${at.line}`;

// helm's flags for install/upgrade that articles use; anything else is reported.
const helmFlags = {
  set: { type: 'string', multiple: true },
  'set-string': { type: 'string', multiple: true },
  values: { type: 'string', short: 'f', multiple: true },
  version: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'kube-context': { type: 'string' },
  kubeconfig: { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  'create-namespace': { type: 'boolean' },
  install: { type: 'boolean', short: 'i' },
  'reuse-values': { type: 'boolean' },
  'reset-values': { type: 'boolean' },
  atomic: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const;

/** `--set=a=b` and `--set a=b` both; words parseArgs cannot take are reported, not fatal. */
function readHelm(command: PastedCommand, into: Gathered): void {
  const [, verb, ...rest] = command.words;
  if (verb !== 'install' && verb !== 'upgrade') return;
  const unknown = rest.filter((w) => w.startsWith('--') && !(w.slice(2).split('=')[0]! in helmFlags));
  const args = rest.filter((w) => !unknown.includes(w));
  const parsed = parseArgs({ args, options: helmFlags, allowPositionals: true, strict: false });
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const [release, chart] = parsed.positionals;
  into.helm = {
    verb,
    line: command.line,
    source: command.source,
    ...(release ? { release } : {}),
    ...(chart ? { chart } : {}),
    ...(typeof values.version === 'string' ? { version: values.version } : {}),
    ...(typeof values.namespace === 'string' ? { namespace: values.namespace } : {}),
  };
  for (const flag of unknown)
    into.findings.push(
      finding(
        'helm-flag-unknown',
        flag,
        `helm ${verb} has no flag ${flag} (${where(command)}): the command fails`,
        `Remove ${flag}.`,
        true,
        'error',
      ),
    );
  if (values['reuse-values'] && verb === 'install') {
    into.findings.push(
      finding(
        'helm-reuse-values-on-install',
        '--reuse-values',
        `--reuse-values on helm install (the command at ${where(command)}): ` +
          `install has no such flag ("unknown flag: --reuse-values"), so the command fails before anything is installed`,
        "Drop --reuse-values (it only means something on helm upgrade, to keep the previous release's values).",
        true,
        'error',
      ),
    );
  }
  const setArgs = [
    ...((values.set as string[] | undefined) ?? []).map((a) => [a, false] as const),
    ...((values['set-string'] as string[] | undefined) ?? []).map((a) => [a, true] as const),
  ];
  // Keep the command line's order (parseArgs groups by flag): helm applies --set in order.
  const ordered = rest.flatMap((w, i) =>
    w === '--set' || w === '--set-string'
      ? [[rest[i + 1] ?? '', w === '--set-string'] as const]
      : w.startsWith('--set=') || w.startsWith('--set-string=')
        ? [[w.slice(w.indexOf('=') + 1), w.startsWith('--set-string')] as const]
        : [],
  );
  for (const [argument, asString] of ordered.length ? ordered : setArgs) {
    for (const assignment of parseSetArgument(argument, asString))
      into.sets.push({ ...assignment, key: assignment.path.join('.'), line: command.line, source: command.source });
  }
  for (const file of (values.values as string[] | undefined) ?? [])
    into.valuesFiles.push({ file, line: command.line, source: command.source });
}

function readKind(command: PastedCommand, into: Gathered): void {
  const [, verb, what, ...rest] = command.words;
  if (verb !== 'create' || what !== 'cluster') return;
  const parsed = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      config: { type: 'string' },
      image: { type: 'string' },
      wait: { type: 'string' },
      kubeconfig: { type: 'string' },
      retain: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: false,
  });
  const values = parsed.values as Record<string, string | undefined>;
  into.kindCreate = {
    line: command.line,
    source: command.source,
    ...(values.name ? { name: values.name } : {}),
    ...(values.image ? { image: values.image } : {}),
  };
}

function classify(doc: KubeDoc, into: Gathered): void {
  const kind = doc.body.kind;
  const apiVersion = String(doc.body.apiVersion ?? '');
  if (kind === 'Cluster' && apiVersion.startsWith('kind.x-k8s.io/')) into.kindConfig = doc;
  else if (kind === 'CiliumLoadBalancerIPPool') into.pools.push(doc);
  else if (kind === 'CiliumL2AnnouncementPolicy') into.policies.push(doc);
  else if (kind === 'CiliumBGPPeeringPolicy') into.bgpPolicies.push(doc);
  else if (kind === 'Deployment' || kind === 'Service') into.workloads.push(doc);
  else if (kind === undefined && apiVersion === '') into.valuesDocs.push(doc);
  else
    into.findings.push(
      finding(
        'document-ignored',
        String(kind),
        `A ${String(kind)} document (${where(doc)}) is not part of a lab plan`,
        'Apply it yourself after the lab is built.',
        false,
        'info',
      ),
    );
}

/** Everything the sources hold. */
export function gather(sources: readonly { name: string; text: string }[]): Gathered {
  const into: Gathered = {
    sets: [],
    valuesDocs: [],
    pools: [],
    policies: [],
    bgpPolicies: [],
    workloads: [],
    valuesFiles: [],
    findings: [],
  };
  for (const source of sources) {
    const paste = readPaste(source.text, source.name);
    for (const command of paste.commands) {
      if (command.words[0] === 'helm') readHelm(command, into);
      else if (command.words[0] === 'kind') readKind(command, into);
    }
    for (const chunk of paste.yaml) {
      let value: unknown;
      try {
        // Pasted text may hold odd tags; they are reported as findings, not process warnings.
        value = parseYaml(chunk.text, { logLevel: 'error' });
      } catch (error) {
        into.findings.push(
          finding(
            'unreadable-text',
            chunk.source,
            `Lines ${chunk.source}:${chunk.line}… are neither a command nor YAML: ${(error as Error).message.split('\n')[0]}`,
            'Check what was pasted there; it was skipped.',
            false,
            'info',
          ),
        );
        continue;
      }
      if (value && typeof value === 'object' && !Array.isArray(value))
        classify({ body: value as Record<string, unknown>, line: chunk.line, source: chunk.source }, into);
    }
  }
  const base = (path: string) => path.split('/').at(-1);
  for (const ref of into.valuesFiles.filter((r) => !sources.some((s) => base(s.name) === base(r.file)))) {
    into.findings.push(
      finding(
        'values-file-not-pasted',
        '--values',
        `helm reads values from ${ref.file} (${where(ref)}), which was not among the imported files`,
        `Import ${ref.file} too (kindscope plan --import ${ref.file} …); its values were not checked.`,
        false,
        'info',
      ),
    );
  }
  return into;
}
