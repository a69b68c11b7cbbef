import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../util/logger';
import { DnsResponder } from './dns-responder';
import { addressesOf, freePort, queryPacket, statusWith, udpExchange } from './dns-test-client';
import { planWiring } from './dns-wiring-plan';
import { buildZoneIndex } from './dns-zone';

/**
 * The dnsmasq wiring, for real: Debian's dnsmasq (dnsmasq-base, installed by .ci/run) runs
 * on a private loopback port with exactly the file the plan writes — and with rebind
 * protection on, as Pi-hole and OpenWrt run it — and forwards kind.internal to the responder.
 */
let dir: string;
let dnsmasq: ChildProcess;
let dnsmasqPort: number;
const responder = new DnsResponder({
  port: 0,
  zone: () => buildZoneIndex([statusWith('demo', [{ namespace: 'default', name: 'web', ips: ['172.18.250.1'] }])]),
  log: createMemoryLogger(),
});

beforeAll(async () => {
  if (spawnSync('dnsmasq', ['--version']).error)
    throw new Error('dnsmasq is not installed: apt-get install dnsmasq-base (.ci/run installs it)');
  const port = await responder.start();
  const plan = planWiring('dnsmasq', 'apply', port, { systemctl: '/usr/bin/systemctl' });
  dir = mkdtempSync(join(tmpdir(), 'i21-dnsmasq-'));
  chmodSync(dir, 0o755);
  const conf = join(dir, 'kindscope.conf');
  writeFileSync(conf, plan.files[0]!.content);
  chmodSync(conf, 0o644);
  dnsmasqPort = await freePort();
  dnsmasq = spawn(
    'dnsmasq',
    [
      '--keep-in-foreground',
      '--conf-file=' + conf,
      '--no-resolv',
      '--no-hosts',
      '--stop-dns-rebind',
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      `--port=${dnsmasqPort}`,
      '--log-facility=-',
      '--pid-file',
    ],
    { stdio: 'ignore' },
  );
  await vi.waitFor(
    async () => expect(await udpExchange(dnsmasqPort, queryPacket('x.kind.internal'), 200)).toBeDefined(),
    { timeout: 10_000, interval: 100 },
  );
});

afterAll(async () => {
  dnsmasq?.kill();
  await responder.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dnsmasq with the file Kindscope writes', () => {
  it('forwards kind.internal to the responder and keeps its private answer despite --stop-dns-rebind', async () => {
    expect(addressesOf(await udpExchange(dnsmasqPort, queryPacket('web.default.demo.kind.internal')))).toEqual([
      '172.18.250.1',
    ]);
    expect((await udpExchange(dnsmasqPort, queryPacket('nope.default.demo.kind.internal')))?.rcode).toBe('NXDOMAIN');
  });
});
