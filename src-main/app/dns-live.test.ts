import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labEnv, startLabCluster, type LabCluster } from '../../e2e/lab/lab-cluster.ts';
import { docker, requireDocker } from '../../e2e/lab/require-docker.ts';
import { addressesOf, freePort, queryPacket, udpExchange } from '../core/dns/dns-test-client';
import { createApp, type App } from './compose';

let app: App;
let home: string;
let port: number;
let cluster: LabCluster | undefined;
const saved = { ...process.env };

beforeAll(async () => {
  requireDocker();
  home = mkdtempSync(join(tmpdir(), 'kindscope-dns-live-'));
  port = await freePort();
  Object.assign(
    process.env,
    labEnv({
      KUBECONFIG: join(home, 'kubeconfig'),
      KINDSCOPE_HOME: join(home, 'data'),
      KINDSCOPE_DNS_PORT: String(port),
    }),
  );
  // The desktop app's and serve mode's composition: the responder starts with the app. No
  // re-read within the test: a name can only come from a followed change.
  app = createApp({ transport: 'test', live: true, dataDir: join(home, 'data'), dnsRefreshMs: 3_600_000 });
  await vi.waitFor(
    async () => expect((await udpExchange(port, queryPacket('nosuch.kind.internal')))?.rcode).toBe('NXDOMAIN'),
    { timeout: 30_000, interval: 200 },
  );
});

afterAll(async () => {
  await app?.dispose();
  await cluster?.down();
  process.env = saved;
  rmSync(home, { recursive: true, force: true });
});

describe('names in the running app', () => {
  it(
    "a cluster made after the app started gets its nodes' names from the pushed cluster list, not from a re-read",
    { timeout: 90_000 },
    async () => {
      cluster = await startLabCluster({
        name: `dnslive-${randomBytes(2).toString('hex')}`,
        workers: 1,
        kubeconfig: join(home, 'kubeconfig'),
      });
      const ip = docker([
        'inspect',
        '-f',
        '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
        `${cluster.name}-control-plane`,
      ]).trim();
      await vi.waitFor(
        async () =>
          expect(
            addressesOf(
              await udpExchange(port, queryPacket(`${cluster!.name}-control-plane.${cluster!.name}.kind.internal`)),
            ),
          ).toEqual([ip]),
        { timeout: 60_000, interval: 250 },
      );
    },
  );
});
