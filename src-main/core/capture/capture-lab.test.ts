import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Generous deadlines, not timed assertions: the shared 2-core machine runs many labs at once.
vi.setConfig({ testTimeout: 300_000 });
import { ensureToolsImage } from '../../../e2e/lab/images.ts';
import { kubectlOk } from '../../../e2e/lab/lab-api.ts';
import { startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { docker } from '../../../e2e/lab/require-docker.ts';
import type { CaptureResult, FailoverResult, PingResult } from '../../contract';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';

const root = join(import.meta.dirname, '../../..');
let cluster: LabCluster;
let env: NodeJS.ProcessEnv;
const work = mkdtempSync(join(tmpdir(), 'i18-capture-'));

/** The real `kindscope` entry point, as a user runs it (through tsx, like `npm run cli`). */
function kindscope(args: string[]) {
  const result = spawnSync(process.execPath, [...kindscopeEntry, ...args], {
    cwd: root,
    encoding: 'utf8',
    env,
    timeout: 240_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function leaseHolder(): string {
  return kubectlOk(cluster, [
    '-n',
    'kube-system',
    'get',
    'lease',
    'cilium-l2announce-default-web',
    '-o',
    'jsonpath={.spec.holderIdentity}',
  ]).trim();
}

const macOf = (node: string) =>
  docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}', node]).trim();

beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i18-${randomBytes(3).toString('hex')}`,
    workers: 2,
    cilium: { pool: 'auto' },
  });
  // The lab's tools image has tcpdump and arping: no registry here, so tests never pull.
  env = { ...cluster.env, KINDSCOPE_CAPTURE_IMAGE: ensureToolsImage(), KINDSCOPE_HOME: join(work, 'home') };
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
  await vi.waitFor(() => expect(leaseHolder()).toMatch(/worker/), { timeout: 60_000, interval: 500 });
}, 180_000);

afterAll(async () => {
  await cluster?.down();
  rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('kindscope capture', () => {
  it("returns the request for the IP and the reply from the lease holder's MAC (docker inspect), as tshark reads the kept pcap", () => {
    const pcap = join(work, 'capture.pcap');
    const result = kindscope([
      'capture',
      '--cluster',
      cluster.name,
      '--service',
      'default/web',
      '--pcap',
      pcap,
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const capture = JSON.parse(result.stdout) as CaptureResult;
    const holder = leaseHolder();
    const holderMac = macOf(holder);
    const ip = capture.ip!;
    expect(ip).toBe(
      kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim(),
    );
    expect(capture.packets).toContainEqual(
      expect.objectContaining({ op: 'request', opcode: 1, targetIp: ip, senderIp: capture.asker!.ip }),
    );
    // The answer to the asker (the HTTP probe makes this machine ask too).
    const reply = capture.packets.find(
      (p) => p.op === 'reply' && p.senderIp === ip && p.targetIp === capture.asker!.ip,
    );
    expect(reply).toMatchObject({ opcode: 2, senderMac: holderMac, targetIp: capture.asker!.ip });
    expect(capture).toMatchObject({
      verdict: 'holder-answered',
      pcapPath: pcap,
      capturedOn: { node: holder, mac: holderMac },
      leaseHolder: { node: holder },
      answeredBy: { node: holder, mac: holderMac },
    });
    expect(capture.explanation).toBe(
      `${holder} (${holderMac}) answered for ${ip}: it holds the lease cilium-l2announce-default-web.`,
    );

    const tshark = spawnSync(
      'tshark',
      [
        '-r',
        pcap,
        '-T',
        'fields',
        '-e',
        'arp.opcode',
        '-e',
        'arp.src.hw_mac',
        '-e',
        'arp.src.proto_ipv4',
        '-e',
        'arp.dst.hw_mac',
        '-e',
        'arp.dst.proto_ipv4',
      ],
      { encoding: 'utf8' },
    );
    expect(tshark.status, tshark.stderr).toBe(0);
    expect(tshark.stdout).toContain(['2', holderMac, ip, reply!.targetMac, reply!.targetIp].join('\t'));
    // The capture and arping containers are gone.
    expect(docker(['ps', '-aq', '--filter', 'label=io.kindscope.capture.node=' + holder]).trim()).toBe('');
  });

  it('says the fix, naming the field, for a bad --seconds', () => {
    const result = kindscope(['capture', '--cluster', cluster.name, '--service', 'default/web', '--seconds', '600']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--seconds: must be at most 60 seconds');
  });

  it('kindscope pcap decodes the kept file the same way', () => {
    const pcap = join(work, 'capture.pcap');
    const decoded = JSON.parse(kindscope(['pcap', pcap, '--json']).stdout);
    expect(decoded).toMatchObject({ format: 'pcap', linkTypes: [{ type: 276 }] });
    expect(decoded.packets.some((p: { op: string }) => p.op === 'reply')).toBe(true);
  });
});

describe('kindscope ping', () => {
  it('pings a node from this machine and proves a service with a TCP connect and ARP instead of ICMP', () => {
    const node = JSON.parse(
      kindscope(['ping', '--cluster', cluster.name, '--node', `${cluster.name}-worker`, '--json']).stdout,
    ) as PingResult;
    expect(node).toMatchObject({
      verdict: 'reachable',
      target: {
        kind: 'node',
        ip: docker([
          'inspect',
          '-f',
          '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
          `${cluster.name}-worker`,
        ]).trim(),
      },
    });
    expect(node.icmp!.received).toBeGreaterThan(0);
    const service = kindscope(['ping', '--cluster', cluster.name, '--service', 'default/web', '--json']);
    const proof = JSON.parse(service.stdout) as PingResult;
    expect(proof).toMatchObject({
      verdict: 'reachable',
      tcp: { ok: true },
      answeredBy: { node: leaseHolder(), mac: macOf(leaseHolder()) },
    });
    expect(proof.explanation).toContain('cilium/cilium#14118');
    expect(kindscope(['ping', '--cluster', cluster.name]).code).toBe(2);
  });
});

describe('kindscope failover', () => {
  it('refuses without --yes and stops nothing', () => {
    const holder = leaseHolder();
    const result = kindscope(['failover', '--cluster', cluster.name, '--service', 'default/web']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`failover stops the node container ${holder}`);
    expect(docker(['inspect', '-f', '{{.State.Running}}', holder]).trim()).toBe('true');
  });

  it("with --yes: old and new holder, the new holder's gratuitous ARP, downtimeMs and its sampling interval; HTTP answers after; the node runs again", () => {
    const oldHolder = leaseHolder();
    // Before the drill: a restarted container may get another address (and MAC) from Docker on a busy network.
    const oldMac = macOf(oldHolder);
    const result = kindscope(['failover', '--cluster', cluster.name, '--service', 'default/web', '--yes', '--json']);
    expect(result.stderr).toBe('');
    const drill = JSON.parse(result.stdout) as FailoverResult;
    const newHolder = leaseHolder();
    expect(newHolder).not.toBe(oldHolder);
    expect(drill).toMatchObject({
      oldHolder: { node: oldHolder, mac: oldMac },
      newHolder: { node: newHolder, mac: macOf(newHolder) },
      samplingIntervalMs: 100,
      restarted: true,
      httpAfter: { ok: true },
    });
    // Either form of the announcement (the lab sends a request today; Cilium a reply), from the new holder.
    expect(drill.gratuitous).toMatchObject({
      gratuitous: true,
      senderIp: drill.ip,
      targetIp: drill.ip,
      senderMac: macOf(newHolder),
    });
    expect(drill.downtimeMs).toBeGreaterThan(0);
    expect(drill.leaseTimings).toMatchObject({
      leaseDuration: '3s',
      renewDeadline: '1s',
      retryPeriod: '200ms',
      source: 'helm values of the cilium release',
    });
    expect(drill.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['stopped', 'new-holder', 'gratuitous-arp', 'neighbour-flip', 'http-back', 'started']),
    );
    expect(drill.intervals.some((i) => i.ok < i.total)).toBe(true);
    expect(docker(['inspect', '-f', '{{.State.Running}}', oldHolder]).trim()).toBe('true');
    const after = spawnSync('curl', ['-s', '--max-time', '3', `http://${drill.ip}/`], { encoding: 'utf8' });
    expect(after.stdout).toContain('Hello from');
  });
});
