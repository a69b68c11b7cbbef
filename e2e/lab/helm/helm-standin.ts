/**
 * The test lab's `helm` (LAB.md §3): repo add/update, install / upgrade --install of
 * cilium/cilium with --set and -f values, get values, status, list, uninstall, version.
 * Rejects what real helm rejects (an unknown flag such as --reuse-values on install).
 * Installing creates what the Cilium chart creates that the lab simulates: the CRDs,
 * the `cilium-config` ConfigMap from the values, the agent DaemonSet, the operator and
 * CoreDNS Deployments; the lab API server's Cilium simulation does the rest.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify } from 'yaml';
import { labHome } from '../lab-paths.ts';
import { labKubeClient, type LabKubeClient } from '../kube-client.ts';
import type { KubeObject } from '../apiserver/kube-object.ts';
import { applySet, deepMerge } from './strvals.ts';
import { ChartRenderError, validateChartValues } from './chart-rules.ts';
import { ciliumCrds } from './cilium-crds.ts';
import { chartObjects } from './chart-objects.ts';

const helmVersion = 'v3.18.3';
class HelmError extends Error {}

const reposFile = () => process.env.HELM_REPOSITORY_CONFIG ?? join(labHome(), 'helm-repositories.json');
const readRepos = (): Record<string, string> =>
  existsSync(reposFile()) ? (JSON.parse(readFileSync(reposFile(), 'utf8')) as Record<string, string>) : {};

const common = {
  namespace: { type: 'string' as const, short: 'n' },
  'kube-context': { type: 'string' as const },
  kubeconfig: { type: 'string' as const },
};
const installFlags = {
  ...common,
  version: { type: 'string' as const },
  set: { type: 'string' as const, multiple: true },
  'set-string': { type: 'string' as const, multiple: true },
  values: { type: 'string' as const, short: 'f', multiple: true },
  wait: { type: 'boolean' as const },
  timeout: { type: 'string' as const },
  'create-namespace': { type: 'boolean' as const },
  install: { type: 'boolean' as const, short: 'i' },
  'reset-values': { type: 'boolean' as const },
};

function client(values: Record<string, unknown>): LabKubeClient {
  return labKubeClient({
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig as string } : {}),
    ...(values['kube-context'] ? { context: values['kube-context'] as string } : {}),
  });
}

async function apply(kube: LabKubeClient, object: KubeObject): Promise<void> {
  const [group, version] = String(object.apiVersion).includes('/')
    ? String(object.apiVersion).split('/')
    : ['', object.apiVersion];
  const plural = `${String(object.kind).toLowerCase()}s`.replace(/ys$/, 'ies').replace(/sss$/, 'sses');
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const ns = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
  const path = `${base}${ns}/${plural}/${object.metadata.name}?fieldManager=helm&force=true`;
  const result = await kube.request('PATCH', path, stringify(object), 'application/apply-patch+yaml');
  if (result.status >= 300) throw new HelmError(`failed to create resource: ${result.body.message ?? result.status}`);
}

function releaseSecretName(name: string, revision: number): string {
  return `sh.helm.release.v1.${name}.v${revision}`;
}

async function readRelease(kube: LabKubeClient, namespace: string, name: string): Promise<KubeObject | undefined> {
  const list = await kube.request(
    'GET',
    `/api/v1/namespaces/${namespace}/secrets?labelSelector=${encodeURIComponent(`owner=helm,name=${name}`)}`,
  );
  const items = ((list.body.items ?? []) as KubeObject[]).sort(
    (a, b) => Number(b.metadata.labels.version) - Number(a.metadata.labels.version),
  );
  const latest = items[0];
  return latest ? (JSON.parse(Buffer.from(latest.data.release, 'base64').toString()) as KubeObject) : undefined;
}

async function install(args: string[], upgrade: boolean): Promise<void> {
  const parsed = parseArgs({ args, options: installFlags, allowPositionals: true, strict: true });
  const values = parsed.values as Record<string, unknown>;
  const [release, chart] = parsed.positionals;
  if (!release || !chart) throw new HelmError(`"helm ${upgrade ? 'upgrade' : 'install'}" requires 2 arguments`);
  if (upgrade && !values.install) throw new HelmError(`"${release}" has no deployed releases`);
  const [repo, chartName] = chart.split('/');
  if (!readRepos()[repo!])
    throw new HelmError(`${upgrade ? 'UPGRADE' : 'INSTALLATION'} FAILED: repo ${repo} not found`);
  if (chartName !== 'cilium')
    throw new HelmError(
      `${upgrade ? 'UPGRADE' : 'INSTALLATION'} FAILED: the lab serves only the cilium chart, not "${chart}"`,
    );
  const chartVersion = String(values.version ?? '1.16.5').replace(/^v/, '');
  const namespace = (values.namespace as string | undefined) ?? 'default';
  const kube = client(values);
  const existing = await readRelease(kube, namespace, release);
  if (existing && !upgrade) throw new HelmError('INSTALLATION FAILED: cannot re-use a name that is still in use');

  const userValues: KubeObject = {};
  for (const file of (values.values as string[] | undefined) ?? [])
    deepMerge(userValues, (parseYaml(readFileSync(file, 'utf8')) ?? {}) as KubeObject);
  for (const expression of (values.set as string[] | undefined) ?? []) applySet(userValues, expression);
  for (const expression of (values['set-string'] as string[] | undefined) ?? [])
    applySet(userValues, expression.replace(/=(true|false|\d+)(,|$)/g, '="$1"$2'));

  try {
    validateChartValues(userValues, chartVersion);
  } catch (error) {
    if (error instanceof ChartRenderError)
      throw new HelmError(`${upgrade ? 'UPGRADE' : 'INSTALLATION'} FAILED: ${error.message}`);
    throw error;
  }
  for (const crd of ciliumCrds(chartVersion)) await apply(kube, crd);
  for (const object of chartObjects(userValues, chartVersion)) await apply(kube, object);

  const revision = (existing?.revision ?? 0) + 1;
  const record = {
    name: release,
    namespace,
    chart: `cilium-${chartVersion}`,
    version: chartVersion,
    revision,
    status: 'deployed',
    values: userValues,
    updated: new Date().toISOString(),
  };
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: releaseSecretName(release, revision),
      namespace,
      labels: { owner: 'helm', name: release, status: 'deployed', version: String(revision) },
    },
    data: { release: Buffer.from(JSON.stringify(record)).toString('base64') },
  };
  await apply(kube, secret);

  if (values.wait) {
    try {
      await waitReady(kube, parseDuration((values.timeout as string | undefined) ?? '5m0s'));
    } catch (error) {
      // A release whose wait ran out stays, marked failed, as helm leaves it.
      const failed = { ...record, status: 'failed' };
      await apply(kube, {
        ...secret,
        metadata: { ...secret.metadata, labels: { ...secret.metadata.labels, status: 'failed' } },
        data: { release: Buffer.from(JSON.stringify(failed)).toString('base64') },
      });
      throw new HelmError(`${upgrade ? 'UPGRADE' : 'INSTALLATION'} FAILED: ${(error as Error).message}`);
    }
  }
  process.stdout.write(
    `${upgrade && existing ? `Release "${release}" has been upgraded. Happy Helming!\n` : ''}NAME: ` +
      `${release}\nLAST DEPLOYED: ${new Date().toUTCString().replace(' GMT', '')}\nNAMESPACE: ` +
      `${namespace}\nSTATUS: deployed\nREVISION: ${revision}\nTEST SUITE: ` +
      `None\nNOTES:\nYou have successfully installed Cilium.\n\nYour release version is ` +
      `${chartVersion}.\n\nFor any further help, ` +
      `visit https://docs.cilium.io/en/v${chartVersion.split('.').slice(0, 2).join('.')}/gettinghelp\n`,
  );
}

async function waitReady(kube: LabKubeClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ds = await kube.request('GET', '/apis/apps/v1/namespaces/kube-system/daemonsets/cilium');
    const nodes = await kube.request('GET', '/api/v1/nodes');
    const ready = ((nodes.body.items ?? []) as KubeObject[]).every((n) =>
      (n.status.conditions as KubeObject[]).some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    if (
      ready &&
      ds.body.status?.numberReady > 0 &&
      ds.body.status.numberReady === ds.body.status.desiredNumberScheduled
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new HelmError('context deadline exceeded');
}

function parseDuration(text: string): number {
  let ms = 0;
  for (const [, value, unit] of text.matchAll(/(\d+)(h|m|s)/g))
    ms += Number(value) * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1_000);
  return ms || 300_000;
}

/** helm's persistent (global) flags: cobra takes them before or after the subcommand. */
const globalsWithValue = new Set([
  'namespace',
  'kube-context',
  'kubeconfig',
  'registry-config',
  'repository-config',
  'repository-cache',
  'content-cache',
  'burst-limit',
  'qps',
  'kube-apiserver',
  'kube-as-user',
  'kube-as-group',
  'kube-ca-file',
  'kube-token',
  'kube-tls-server-name',
]);
const globalSwitches = new Set(['debug', 'kube-insecure-skip-tls-verify']);
/** The globals the subcommands read (through `common`); the rest are accepted and have no effect here. */
const forwarded = new Set(['namespace', 'kube-context', 'kubeconfig']);

/** Finds the subcommand among global flags and moves the forwarded globals after it. */
function splitGlobalFlags(argv: string[]): { command: string | undefined; rest: string[] } {
  const rest: string[] = [];
  const globals: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i]!;
    const long = /^--([^=]+)(?:=(.*))?$/.exec(token);
    const name = long ? long[1]! : token === '-n' ? 'namespace' : /^-n./.test(token) ? 'namespace' : undefined;
    if (name && (globalsWithValue.has(name) || globalSwitches.has(name))) {
      let value: string | undefined = long ? long[2] : token.length > 2 ? token.slice(2) : undefined;
      if (globalsWithValue.has(name) && value === undefined) value = argv[++i];
      if (globalsWithValue.has(name) && value === undefined) throw new HelmError(`flag needs an argument: --${name}`);
      if (name === 'repository-config') process.env.HELM_REPOSITORY_CONFIG = value;
      if (forwarded.has(name)) globals.push(`--${name}`, value!);
      continue;
    }
    if (command === undefined && !token.startsWith('-')) command = token;
    else rest.push(token);
  }
  return { command, rest: [...rest, ...globals] };
}

async function main(argv: string[]): Promise<number> {
  let command: string | undefined;
  let rest: string[];
  try {
    ({ command, rest } = splitGlobalFlags(argv));
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    switch (command) {
      case 'version': {
        const short = rest.includes('--short');
        process.stdout.write(
          short
            ? `${helmVersion}+g6838ebc\n`
            : `version.BuildInfo{Version:"${helmVersion}", GitCommit:"6838ebcf265a3842d1433956e8a622e3290cf324", GitTreeState:"clean", GoVersion:"go1.24.4"}\n`,
        );
        return 0;
      }
      case 'repo': {
        const [verb, name, url] = rest;
        if (verb === 'add') {
          if (!name || !url) throw new HelmError('"helm repo add" requires 2 arguments');
          const repos = readRepos();
          repos[name] = url;
          mkdirSync(dirname(reposFile()), { recursive: true });
          writeFileSync(reposFile(), JSON.stringify(repos));
          process.stdout.write(`"${name}" has been added to your repositories\n`);
          return 0;
        }
        if (verb === 'update') {
          const repos = Object.keys(readRepos());
          if (repos.length === 0) throw new HelmError('no repositories found. You must add one before updating');
          process.stdout.write(
            'Hang tight while we grab the latest from your chart ' +
              `repositories...\n${repos.map((r) => `...Successfully got an update from the "${r}" chart repository\n`).join('')}Update ` +
              `Complete. ⎈Happy Helming!⎈\n`,
          );
          return 0;
        }
        throw new HelmError(`unknown command "${verb}" for "helm repo"`);
      }
      case 'install':
        await install(rest, false);
        return 0;
      case 'upgrade':
        await install(rest, true);
        return 0;
      case 'get': {
        const [what, ...args] = rest;
        if (what !== 'values') throw new HelmError(`unknown command "${what}" for "helm get"`);
        const parsed = parseArgs({
          args,
          options: { ...common, output: { type: 'string', short: 'o' }, all: { type: 'boolean', short: 'a' } },
          allowPositionals: true,
          strict: true,
        });
        const release = await readRelease(
          client(parsed.values),
          parsed.values.namespace ?? 'default',
          parsed.positionals[0] ?? '',
        );
        if (!release) throw new HelmError('release: not found');
        process.stdout.write(
          parsed.values.output === 'json'
            ? `${JSON.stringify(release.values)}\n`
            : `USER-SUPPLIED VALUES:\n${stringify(release.values)}`,
        );
        return 0;
      }
      case 'status':
      case 'list':
      case 'ls': {
        const parsed = parseArgs({
          args: rest,
          options: {
            ...common,
            output: { type: 'string', short: 'o' },
            'all-namespaces': { type: 'boolean', short: 'A' },
          },
          allowPositionals: true,
          strict: true,
        });
        const kube = client(parsed.values);
        const namespace = parsed.values.namespace ?? 'default';
        if (command === 'status') {
          const release = await readRelease(kube, namespace, parsed.positionals[0] ?? '');
          if (!release) throw new HelmError('release: not found');
          process.stdout.write(
            `NAME: ${release.name}\nLAST DEPLOYED: ${release.updated}\nNAMESPACE: ` +
              `${release.namespace}\nSTATUS: ${release.status}\nREVISION: ` +
              `${release.revision}\nTEST SUITE: None\n`,
          );
          return 0;
        }
        const path = parsed.values['all-namespaces'] ? '/api/v1/secrets' : `/api/v1/namespaces/${namespace}/secrets`;
        const secrets = ((await kube.request('GET', `${path}?labelSelector=owner%3Dhelm`)).body.items ??
          []) as KubeObject[];
        const releases = [
          ...new Map(
            secrets
              .map((s) => JSON.parse(Buffer.from(s.data.release, 'base64').toString()) as KubeObject)
              .map((r) => [`${r.namespace}/${r.name}`, r]),
          ).values(),
        ];
        if (parsed.values.output === 'json')
          process.stdout.write(
            JSON.stringify(
              releases.map((r) => ({
                name: r.name,
                namespace: r.namespace,
                revision: String(r.revision),
                status: r.status,
                chart: r.chart,
                app_version: r.version,
              })),
            ) + '\n',
          );
        else
          process.stdout.write(
            `NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP ` +
              `VERSION\n${releases.map((r) => `${r.name}\t${r.namespace}\t${r.revision}\t${r.updated}\t${r.status}\t${r.chart}\t${r.version}\n`).join('')}`,
          );
        return 0;
      }
      case 'uninstall': {
        const parsed = parseArgs({ args: rest, options: common, allowPositionals: true, strict: true });
        const kube = client(parsed.values);
        const namespace = parsed.values.namespace ?? 'default';
        const name = parsed.positionals[0] ?? '';
        if (!(await readRelease(kube, namespace, name)))
          throw new HelmError(`uninstall: Release not loaded: ${name}: release: not found`);
        for (const path of [
          '/apis/apps/v1/namespaces/kube-system/daemonsets/cilium',
          '/apis/apps/v1/namespaces/kube-system/deployments/cilium-operator',
          '/api/v1/namespaces/kube-system/configmaps/cilium-config',
        ])
          await kube.request('DELETE', path);
        await kube.request(
          'DELETE',
          `/api/v1/namespaces/${namespace}/secrets?labelSelector=${encodeURIComponent(`owner=helm,name=${name}`)}`,
        );
        process.stdout.write(`release "${name}" uninstalled\n`);
        return 0;
      }
      default:
        throw new HelmError(command ? `unknown command "${command}" for "helm"` : 'The Kubernetes package manager');
    }
  } catch (error) {
    const message =
      error instanceof HelmError
        ? error.message
        : (error as Error).message.replace(/^Unknown option '(.+?)'.*$/s, 'unknown flag: $1');
    process.stderr.write(`Error: ${message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
