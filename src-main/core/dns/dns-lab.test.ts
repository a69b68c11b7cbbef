import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kubectlOk } from '../../../e2e/lab/lab-api.ts';
import { startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { docker } from '../../../e2e/lab/require-docker.ts';
import { planWiring } from './dns-wiring-plan';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';

/**
 * The acceptance run on the lab, as a user would do it: `kindscope dns serve --port P`
 * in the foreground, and `dig` against it (Debian's bind9-dnsutils).
 */
const root = join(import.meta.dirname, '../../..');
let cluster: LabCluster;
let server: ChildProcess;
let port: number;
let serverOutput = '';

function dig(...args: string[]): string {
  const result = spawnSync('dig', ['@127.0.0.1', '-p', String(port), '+time=1', '+tries=1', ...args], {
    encoding: 'utf8',
  });
  if (result.error)
    throw new Error(`dig did not run (${result.error.message}): apt-get install bind9-dnsutils (.ci/run installs it)`);
  return result.stdout;
}
const status = (output: string) => /status: ([A-Z]+)/.exec(output)?.[1];
const eventually = (fn: () => void) => vi.waitFor(fn, { timeout: 30_000, interval: 200 });

async function freePort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port: free } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return free;
}

beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i21-${randomBytes(2).toString('hex')}`,
    workers: 1,
    cilium: { pool: 'auto' },
  });
  port = await freePort();
  server = spawn(process.execPath, [...kindscopeEntry, 'dns', 'serve', '--port', String(port)], {
    cwd: root,
    env: cluster.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
  await vi.waitFor(() => expect(serverOutput).toContain(`on 127.0.0.1:${port} (UDP and TCP)`), {
    timeout: 60_000,
    interval: 200,
  });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
}, 120_000);

afterAll(async () => {
  server?.kill('SIGINT');
  await cluster?.down();
});

describe('kindscope dns serve on the lab', () => {
  it("answers <service>.<namespace>.<cluster>.kind.internal with the service's external IP, AAAA with NODATA", async () => {
    const name = `web.default.${cluster.name}.kind.internal`;
    let ip = '';
    await eventually(() => {
      ip = kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim();
      expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    });
    await eventually(() => expect(dig(name, '+short').trim()).toBe(ip));
    const aaaa = dig(name, 'AAAA');
    expect(status(aaaa)).toBe('NOERROR');
    expect(aaaa).toContain('ANSWER: 0');
    expect(aaaa).toMatch(/AUTHORITY: 1/);
    expect(dig('+tcp', name, '+short').trim()).toBe(ip);
  });

  it("gives a node's name its InternalIP and refuses names outside the zone", () => {
    const node = `${cluster.name}-worker`;
    const nodeIP = docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', node]).trim();
    expect(dig(`${node}.${cluster.name}.kind.internal`, '+short').trim()).toBe(nodeIP);
    expect(status(dig('example.com'))).toBe('REFUSED');
    expect(status(dig(`default.${cluster.name}.kind.internal`))).toBe('NOERROR');
  });

  it('keeps answering after junk over UDP and TCP', async () => {
    const junk = createSocket('udp4');
    for (let i = 0; i < 300; i++) junk.send(randomBytes(1 + (i % 700)), port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    junk.close();
    await new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () =>
        socket.end(Buffer.concat([Buffer.from([0xff, 0xff]), randomBytes(100)])),
      );
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    expect(server.exitCode).toBeNull();
    expect(status(dig(`${cluster.name}-control-plane.${cluster.name}.kind.internal`))).toBe('NOERROR');
  });

  it('lets curl reach the service by name through the system resolver, here dnsmasq with the file `dns wire` writes', () => {
    // This machine's resolver is shared, so the "OS" is a private mount namespace whose
    // /etc/resolv.conf names a dnsmasq on a loopback address of this test's own.
    const dir = mkdtempSync(join(tmpdir(), 'i21-os-'));
    chmodSync(dir, 0o755);
    const listen = `127.21.${randomBytes(1)[0]! % 250}.${2 + (randomBytes(1)[0]! % 250)}`;
    const conf = join(dir, 'kindscope.conf');
    writeFileSync(conf, planWiring('dnsmasq', 'apply', port, { systemctl: '/usr/bin/systemctl' }).files[0]!.content);
    writeFileSync(join(dir, 'resolv.conf'), `nameserver ${listen}\n`);
    chmodSync(conf, 0o644);
    // It daemonizes: no pipes, or spawnSync would wait for the daemon to close them.
    const dnsmasq = spawnSync(
      'dnsmasq',
      [
        `--conf-file=${conf}`,
        '--no-resolv',
        '--no-hosts',
        '--stop-dns-rebind',
        `--listen-address=${listen}`,
        '--bind-interfaces',
        '--port=53',
        `--pid-file=${join(dir, 'pid')}`,
      ],
      { stdio: 'ignore' },
    );
    expect(dnsmasq.status).toBe(0);
    try {
      const name = `web.default.${cluster.name}.kind.internal`;
      const script = `mount --bind ${join(dir, 'resolv.conf')} /etc/resolv.conf && curl -s --max-time 10 http://${name}/ && ${process.execPath} --import tsx ${join(root, 'src-main/cli/main.ts')} dns status --port ${port} --json`;
      const result = spawnSync('unshare', ['-m', 'sh', '-c', script], {
        cwd: root,
        env: cluster.env,
        encoding: 'utf8',
        timeout: 100_000,
      });
      expect(result.stdout, result.stderr).toContain('Hello from web-');
      const status = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
      expect(status.os).toMatchObject({ sendsQueries: true });
    } finally {
      spawnSync('sh', ['-c', `kill $(cat ${join(dir, 'pid')})`]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('says NXDOMAIN once the service is deleted', async () => {
    kubectlOk(cluster, ['delete', 'svc', 'web']);
    await eventually(() => expect(status(dig(`web.default.${cluster.name}.kind.internal`))).toBe('NXDOMAIN'));
  });
});
