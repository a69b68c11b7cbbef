/**
 * The lab API server process of one cluster, started detached by the kind stand-in:
 * `node e2e/lab/apiserver/main.ts --state <cluster state dir>`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrapCluster, type NodeFacts } from './bootstrap.ts';
import { CiliumSimulation } from './cilium-sim.ts';
import { defaultNodeMonitorGraceMs } from './kube-controllers.ts';
import { LabApiServer } from './server.ts';
import { ObjectStore } from './store.ts';

const { values } = parseArgs({ options: { state: { type: 'string' } }, strict: true });
if (!values.state) {
  process.stderr.write('usage: main.ts --state DIR\n');
  process.exit(2);
}
const dir = values.state;
const cluster = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8'));
const read = (name: string) => readFileSync(join(dir, 'pki', name), 'utf8');
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

function nodeFacts(): NodeFacts[] {
  return (cluster.nodes as { name: string; role: 'control-plane' | 'worker' }[]).map((node) => {
    const result = spawnSync(
      'docker',
      [
        'inspect',
        '--format',
        `{{with index .NetworkSettings.Networks "${cluster.network}"}}{{.IPAddress}} {{.GlobalIPv6Address}}{{end}}`,
        node.name,
      ],
      { encoding: 'utf8' },
    );
    const [ipv4, ipv6] = result.stdout.trim().split(' ');
    return { ...node, ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}) };
  });
}

const server = new LabApiServer({
  store: new ObjectStore(join(dir, 'objects.json')),
  tls: { key: read('apiserver.key'), cert: read('apiserver.crt'), ca: read('ca.crt') },
  kubernetesVersion: cluster.kubernetesVersion,
  log: process.env.KINDSCOPE_LAB_API_LOG ? log : undefined,
});
bootstrapCluster(server, {
  name: cluster.name,
  kubernetesVersion: cluster.kubernetesVersion,
  podSubnet: cluster.config.networking.podSubnet,
  nodes: nodeFacts(),
  cniReady: !cluster.config.networking.disableDefaultCNI || Boolean(cluster.cniInstalled),
});
const simulation = new CiliumSimulation(
  server,
  {
    name: cluster.name,
    nodes: cluster.nodes,
    defaultCni: !cluster.config.networking.disableDefaultCNI,
    nodeMonitorGraceMs: cluster.nodeMonitorGraceMs ?? defaultNodeMonitorGraceMs(cluster.kubernetesVersion),
    unreachableTolerationMs: cluster.unreachableTolerationMs ?? 300_000,
  },
  log,
);
simulation.start();
const port = await server.listen(cluster.apiUpstream.port, cluster.apiUpstream.host);
writeFileSync(join(dir, 'apiserver.pid'), String(process.pid));
log(`lab API server of ${cluster.name} listening on ${cluster.apiUpstream.host}:${port}`);

const stop = () => {
  // Never linger: a stop must free the port for the next start.
  setTimeout(() => process.exit(0), 1_000).unref();
  simulation.stop();
  void server.close().then(() => {
    rmSync(join(dir, 'apiserver.pid'), { force: true });
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
