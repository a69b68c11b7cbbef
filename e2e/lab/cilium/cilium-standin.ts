/**
 * The test lab's `cilium` CLI (LAB.md §3): `status [--wait] [--wait-duration D] [-o json]`
 * and `version [--client]`, reading the simulated agent and operator from the API server.
 */
import { parseArgs } from 'node:util';
import { labKubeClient } from '../kube-client.ts';
import type { KubeObject } from '../apiserver/kube-object.ts';

const cliVersion = 'v0.18.5';

async function readStatus(context?: string) {
  const kube = labKubeClient(context ? { context } : {});
  const [ds, operator, config, pods] = await Promise.all([
    kube.request('GET', '/apis/apps/v1/namespaces/kube-system/daemonsets/cilium'),
    kube.request('GET', '/apis/apps/v1/namespaces/kube-system/deployments/cilium-operator'),
    kube.request('GET', '/api/v1/namespaces/kube-system/configmaps/cilium-config'),
    kube.request('GET', '/api/v1/pods'),
  ]);
  const installed = ds.status === 200;
  const desired = ds.body.status?.desiredNumberScheduled ?? 0;
  const ready = ds.body.status?.numberReady ?? 0;
  const opDesired = operator.body.spec?.replicas ?? 0;
  const opReady = operator.body.status?.readyReplicas ?? 0;
  const allPods = (pods.body.items ?? []) as KubeObject[];
  return {
    installed,
    version: config.body.data?.['cilium-version'] as string | undefined,
    cilium: { desired, ready, ok: installed && desired > 0 && ready === desired },
    operator: { desired: opDesired, ready: opReady, ok: installed && opDesired > 0 && opReady === opDesired },
    managedPods: allPods.filter((p) => p.status?.podIP).length,
    clusterPods: allPods.length,
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'version') {
    process.stdout.write(
      `cilium-cli: ${cliVersion} compiled with go1.24.4 on linux/amd64\ncilium image (default): v1.17.5\ncilium image (stable): v1.18.0\n`,
    );
    return 0;
  }
  if (command !== 'status') {
    process.stderr.write(`Error: unknown command "${command ?? ''}" for "cilium"\n`);
    return 1;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      wait: { type: 'boolean' },
      'wait-duration': { type: 'string' },
      output: { type: 'string', short: 'o' },
      context: { type: 'string' },
    },
  });
  const deadline =
    Date.now() +
    (values.wait
      ? Number(/(\d+)/.exec(values['wait-duration'] ?? '5m')?.[1] ?? 5) *
        ((values['wait-duration'] ?? '5m').endsWith('s') ? 1000 : 60_000)
      : 0);
  let status = await readStatus(values.context);
  while (values.wait && !(status.cilium.ok && status.operator.ok) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    status = await readStatus(values.context);
  }
  if (values.output === 'json') {
    process.stdout.write(
      JSON.stringify(
        {
          cilium_status: { state: status.cilium.ok ? 'OK' : 'error' },
          operator_status: { state: status.operator.ok ? 'OK' : 'error' },
          daemon_sets: { cilium: { desired: status.cilium.desired, ready: status.cilium.ready } },
          deployments: { 'cilium-operator': { desired: status.operator.desired, ready: status.operator.ready } },
          version: status.version,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const state = (ok: boolean) => (!status.installed ? 'error' : ok ? 'OK' : '1 errors');
    process.stdout.write(
      `    /¯¯\\\n /¯¯\\__/¯¯\\    Cilium: ` +
        `            ${state(status.cilium.ok)}\n \\__/¯¯\\__/    Operator: ` +
        `          ${state(status.operator.ok)}\n /¯¯\\__/¯¯\\    Envoy DaemonSet: ` +
        `   disabled (using embedded mode)\n \\__/¯¯\\__/    Hubble Relay: ` +
        `      disabled\n    \\__/       ClusterMesh:        disabled\n\n` +
        (`DaemonSet              cilium             Desired: ${status.cilium.desired}, Ready: ` +
          `${status.cilium.ready}/${status.cilium.desired}, Available: ` +
          `${status.cilium.ready}/${status.cilium.desired}\n`) +
        (`Deployment             cilium-operator    Desired: ${status.operator.desired}, Ready: ` +
          `${status.operator.ready}/${status.operator.desired}, Available: ` +
          `${status.operator.ready}/${status.operator.desired}\n`) +
        `Cluster Pods:          ${status.managedPods}/${status.clusterPods} managed by Cilium\n` +
        `Image versions         cilium             quay.io/cilium/cilium:v${status.version ?? '?'}: ${status.cilium.desired}\n`,
    );
  }
  return status.cilium.ok && status.operator.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
