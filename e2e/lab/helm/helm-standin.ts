/**
 * The test lab's `helm` (LAB.md §3): repo add/update, install / upgrade --install of
 * cilium/cilium with --set and -f values, rollback, history, get values, status, list, uninstall, version.
 * Rejects what real helm rejects (an unknown flag such as --reuse-values on install). Releases keep
 * revisions: upgrade, rollback, history and get values follow helm's rules (release-logic.ts).
 * Installing creates what the Cilium chart creates that the lab simulates: the CRDs,
 * the `cilium-config` ConfigMap from the values, the agent DaemonSet, the operator and
 * CoreDNS Deployments; the lab API server's Cilium simulation does the rest.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { labHome } from '../lab-paths.ts';
import type { KubeObject } from '../apiserver/kube-object.ts';
import { applySet, deepMerge } from './strvals.ts';
import { ChartRenderError, validateChartValues } from './chart-rules.ts';
import { client, HelmError, readHistory, readRelease, writeRelease, type ReleaseRecord } from './release-store.ts';
import { ansic, upgradeBase, upgradeValues } from './release-logic.ts';
import { applyChart, parseDuration, waitReady } from './release-apply.ts';
import { commonFlags, getValues, history, rollback } from './release-commands.ts';

const helmVersion = 'v3.18.3';

const reposFile = () => process.env.HELM_REPOSITORY_CONFIG ?? join(labHome(), 'helm-repositories.json');
const readRepos = (): Record<string, string> =>
  existsSync(reposFile()) ? (JSON.parse(readFileSync(reposFile(), 'utf8')) as Record<string, string>) : {};

const valueFlags = {
  ...commonFlags,
  version: { type: 'string' as const },
  set: { type: 'string' as const, multiple: true },
  'set-string': { type: 'string' as const, multiple: true },
  values: { type: 'string' as const, short: 'f', multiple: true },
  wait: { type: 'boolean' as const },
  timeout: { type: 'string' as const },
  'create-namespace': { type: 'boolean' as const },
  description: { type: 'string' as const },
};
/** `helm install`'s flags: no --install and none of upgrade's value-reuse flags (helm refuses them). */
const installFlags = valueFlags;
/** `helm upgrade`'s flags (cmd/helm/upgrade.go). */
const upgradeFlags = {
  ...valueFlags,
  install: { type: 'boolean' as const, short: 'i' },
  'reuse-values': { type: 'boolean' as const },
  'reset-values': { type: 'boolean' as const },
  'reset-then-reuse-values': { type: 'boolean' as const },
  'history-max': { type: 'string' as const },
  force: { type: 'boolean' as const },
  'cleanup-on-fail': { type: 'boolean' as const },
};

/**
 * `helm install` and `helm upgrade [--install]`: each writes a new revision. An upgrade's values
 * come from the flags and the current release as helm's reuseValues decides (release-logic.ts);
 * the chart's refusals for the target version are checked first, so a refused upgrade leaves the
 * release and every object as they were.
 */
async function install(args: string[], upgrade: boolean): Promise<void> {
  const parsed = parseArgs({
    args,
    options: upgrade ? upgradeFlags : installFlags,
    allowPositionals: true,
    strict: true,
  });
  const values = parsed.values as Record<string, unknown>;
  const [release, chart] = parsed.positionals;
  if (!release || !chart) throw new HelmError(`"helm ${upgrade ? 'upgrade' : 'install'}" requires 2 arguments`);
  const [repo, chartName] = chart.split('/');
  const namespace = (values.namespace as string | undefined) ?? 'default';
  const kube = client(values);
  const history = await readHistory(kube, namespace, release);
  const base = upgradeBase(history);
  // `upgrade --install` of a release that does not exist is an install (helm's upgrade.go).
  const installing = !upgrade || history.length === 0;
  const failed = installing ? 'INSTALLATION FAILED' : 'UPGRADE FAILED';
  if (upgrade && history.length === 0 && !values.install)
    throw new HelmError(`UPGRADE FAILED: "${release}" has no deployed releases`);
  if (!upgrade && history.length > 0)
    throw new HelmError('INSTALLATION FAILED: cannot re-use a name that is still in use');
  if (upgrade && !base) throw new HelmError(`UPGRADE FAILED: "${release}" has no deployed releases`);
  if (!readRepos()[repo!]) throw new HelmError(`${failed}: repo ${repo} not found`);
  if (chartName !== 'cilium') throw new HelmError(`${failed}: the lab serves only the cilium chart, not "${chart}"`);
  const chartVersion = String(values.version ?? '1.16.5').replace(/^v/, '');

  const supplied: KubeObject = {};
  for (const file of (values.values as string[] | undefined) ?? [])
    deepMerge(supplied, (parseYaml(readFileSync(file, 'utf8')) ?? {}) as KubeObject);
  for (const expression of (values.set as string[] | undefined) ?? []) applySet(supplied, expression);
  for (const expression of (values['set-string'] as string[] | undefined) ?? [])
    applySet(supplied, expression.replace(/=(true|false|\d+)(,|$)/g, '="$1"$2'));
  const userValues = installing
    ? supplied
    : upgradeValues(base!.values, supplied, {
        reuseValues: values['reuse-values'] === true,
        resetValues: values['reset-values'] === true,
        resetThenReuseValues: values['reset-then-reuse-values'] === true,
      });

  try {
    validateChartValues(userValues, chartVersion);
  } catch (error) {
    if (error instanceof ChartRenderError) throw new HelmError(`${failed}: ${error.message}`);
    throw error;
  }
  try {
    await applyChart(kube, userValues, chartVersion, base && { values: base.values, version: base.version });
  } catch (error) {
    if (error instanceof HelmError) throw new HelmError(`${failed}: ${error.message}`);
    throw error;
  }

  const revision = (history.at(-1)?.revision ?? 0) + 1;
  const record: ReleaseRecord = {
    name: release,
    namespace,
    chart: `cilium-${chartVersion}`,
    version: chartVersion,
    revision,
    status: 'deployed',
    values: userValues,
    updated: new Date().toISOString(),
    description: (values.description as string | undefined) ?? (installing ? 'Install complete' : 'Upgrade complete'),
  };
  await writeRelease(kube, record);

  if (values.wait) {
    try {
      await waitReady(kube, parseDuration((values.timeout as string | undefined) ?? '5m0s'));
    } catch (error) {
      // A release whose wait ran out stays, marked failed, as helm leaves it; the one before stays deployed.
      const message = (error as Error).message;
      await writeRelease(kube, {
        ...record,
        status: 'failed',
        description: installing ? `Release "${release}" failed: ${message}` : `Upgrade "${release}" failed: ${message}`,
      });
      throw new HelmError(`${failed}: ${message}`);
    }
  }
  // Only now is the release the upgrade started from superseded (upgrade.go, after the wait).
  for (const previous of history.filter((r) => r.status === 'deployed'))
    await writeRelease(kube, { ...previous, status: 'superseded' });
  process.stdout.write(
    `${upgrade ? (installing ? `Release "${release}" does not exist. Installing it now.\n` : `Release "${release}" has been upgraded. Happy Helming!\n`) : ''}NAME: ` +
      `${release}\nLAST DEPLOYED: ${ansic(record.updated)}\nNAMESPACE: ` +
      `${namespace}\nSTATUS: deployed\nREVISION: ${revision}\nTEST SUITE: ` +
      `None\nNOTES:\nYou have successfully installed Cilium.\n\nYour release version is ` +
      `${chartVersion}.\n\nFor any further help, ` +
      `visit https://docs.cilium.io/en/v${chartVersion.split('.').slice(0, 2).join('.')}/gettinghelp\n`,
  );
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
        await getValues(args);
        return 0;
      }
      case 'rollback':
        await rollback(rest);
        return 0;
      case 'history':
      case 'hist':
        await history(rest);
        return 0;
      case 'status':
      case 'list':
      case 'ls': {
        const parsed = parseArgs({
          args: rest,
          options: {
            ...commonFlags,
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
              // The newest revision of each release is the one listed.
              .sort((a, b) => a.revision - b.revision)
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
        const parsed = parseArgs({ args: rest, options: commonFlags, allowPositionals: true, strict: true });
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
