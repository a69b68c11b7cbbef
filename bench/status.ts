/**
 * `npm run bench` (second part): the delay from a change in the API server (a service
 * getting its LoadBalancer IP) to Kindscope's pushed cluster status, beside `kubectl get
 * svc -w` observing the same change in the same run; and the main-process memory of the
 * status service watching 50 nodes and 500 services.
 */
import { spawn, spawnSync } from 'node:child_process';
import { ClusterRegistry } from '../src-main/core/cluster/cluster-registry';
import { createStderrLogger } from '../src-main/core/util/logger';
import { kubectlOk } from '../e2e/lab/lab-api.ts';
import { startLabCluster } from '../e2e/lab/lab-cluster.ts';

const rounds = Number(process.env.BENCH_RUNS ?? 7);
const log = createStderrLogger('bench', 'warn');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchStatus(): Promise<Record<string, unknown>> {
  process.stderr.write('creating a lab cluster with the simulated Cilium…\n');
  const cluster = await startLabCluster({ name: 'bench-status', workers: 2, cilium: { pool: 'auto' } });
  try {
    kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
    // Kubernetes side only (no topology): what is measured is the API change → push path.
    const registry = new ClusterRegistry({ topology: undefined, kubeconfigEnv: () => cluster.kubeconfig, log });
    const hold = registry.hold(cluster.name);
    const kubectl = spawn('kubectl', ['--context', `kind-${cluster.name}`, 'get', 'svc', '-w', '--no-headers'], {
      env: cluster.env,
    });
    const kubectlSeen = new Map<string, number>();
    kubectl.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        const [name, type, , external] = line.trim().split(/\s+/);
        if (type === 'LoadBalancer' && external && /^\d/.test(external) && !kubectlSeen.has(name!))
          kubectlSeen.set(name!, performance.now());
      }
    });
    const kindscopeSeen = new Map<string, number>();
    registry.subscribe((status) => {
      for (const svc of status.services)
        if (svc.externalIPs.length > 0 && !kindscopeSeen.has(svc.name)) kindscopeSeen.set(svc.name, performance.now());
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const deltas: number[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const name = `bench-${i}`;
      kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80', `--name=${name}`]);
      const deadline = Date.now() + 30_000;
      while ((!kubectlSeen.has(name) || !kindscopeSeen.has(name)) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      if (kubectlSeen.has(name) && kindscopeSeen.has(name))
        deltas.push(kindscopeSeen.get(name)! - kubectlSeen.get(name)!);
    }
    kubectl.kill();
    hold.dispose();
    registry.dispose();

    // Memory: 50 nodes and 500 services watched.
    const nodes = Array.from({ length: 48 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `extra-node-${i}`, labels: { 'kubernetes.io/hostname': `extra-node-${i}` } },
      spec: { podCIDR: `10.245.${i}.0/24`, podCIDRs: [`10.245.${i}.0/24`] },
    }));
    const services = Array.from({ length: 500 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `many-${i}`, labels: { app: 'many' } },
      spec: { type: i % 5 === 0 ? 'LoadBalancer' : 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80 }] },
    }));
    // A YAML stream, one document per object (kubectl validates a `List` client-side, which needs full OpenAPI schemas).
    const applied = spawnSync('kubectl', ['--context', `kind-${cluster.name}`, 'apply', '-f', '-'], {
      env: cluster.env,
      input: [...nodes, ...services].map((o) => JSON.stringify(o)).join('\n---\n'),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (applied.status !== 0) throw new Error(`creating 48 nodes and 500 services failed: ${applied.stderr}`);
    global.gc?.();
    const before = process.memoryUsage();
    const watched = new ClusterRegistry({ topology: undefined, kubeconfigEnv: () => cluster.kubeconfig, log });
    const kept = watched.hold(cluster.name);
    const status = await watched.status(cluster.name);
    global.gc?.();
    const after = process.memoryUsage();
    kept.dispose();
    watched.dispose();
    return {
      changeToPush: {
        rounds: deltas.length,
        medianMsAfterKubectl: Math.round(median(deltas)),
        minMs: Math.round(Math.min(...deltas)),
        maxMs: Math.round(Math.max(...deltas)),
      },
      memory: {
        nodes: status.nodes.length,
        services: status.services.length,
        watchedServices: services.length + rounds + 1,
        heapGrowthMiB: Math.round(((after.heapUsed - before.heapUsed) / 1024 / 1024) * 10) / 10,
        rssMiB: Math.round(after.rss / 1024 / 1024),
      },
    };
  } finally {
    await cluster.down();
  }
}
