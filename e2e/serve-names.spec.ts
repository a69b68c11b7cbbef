import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installWiringStandIns } from './lab/dns-wiring-standins.ts';
import { expect, test } from '@playwright/test';
import { kubectlOk } from './lab/lab-api.ts';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

let cluster: LabCluster;
let serve: ServeProcess;
// A port of this run's own, so parallel runs (and a running desktop app on 15353) do not collide.
const dnsPort = 20_000 + (randomBytes(2).readUInt16BE(0) % 20_000);

test.beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i21-${randomBytes(2).toString('hex')}`,
    workers: 1,
    cilium: { pool: 'auto' },
  });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
  serve = await startServe({ ...cluster.env, KINDSCOPE_DNS_PORT: String(dnsPort) });
});

test.afterAll(async () => {
  await serve?.stop();
  await cluster?.down();
});

test('serve mode runs the responder; Clusters shows each LoadBalancer service its name, Names the zone and whether the OS uses it', async ({
  page,
}) => {
  const name = `web.default.${cluster.name}.kind.internal`;
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
  // Clusters is a list (issue 16); Open shows the cluster's detail.
  await page
    .getByRole('row', { name: `Cluster ${cluster.name}` })
    .getByRole('link', { name: `Open ${cluster.name}` })
    .click();
  const web = page.getByRole('listitem', { name: 'Service default/web', exact: true });
  const link = web.getByRole('link', { name });
  await expect(link).toHaveAttribute('href', `http://${name}/`);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await web.getByRole('button', { name: `Copy ${name}` }).click();
  await expect(web.getByRole('button', { name: `Copy ${name}` })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(name);

  // The responder serve mode started answers that name with the IP the page shows.
  const ip = kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim();
  await expect(web).toContainText(ip);
  await expect
    .poll(
      () => spawnSync('dig', ['@127.0.0.1', '-p', String(dnsPort), name, '+short'], { encoding: 'utf8' }).stdout.trim(),
      { timeout: 30_000 },
    )
    .toBe(ip);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Names' }).click();
  const card = page.getByRole('region', { name: 'Names status' });
  await expect(card.getByRole('row', { name: /Listens on/ })).toContainText(`127.0.0.1:${dnsPort} (UDP and TCP)`);
  await expect(card.getByRole('row', { name: /Zone/ })).toContainText('kind.internal');
  // This machine was not wired to it: the probe through the system resolver says so.
  await expect(card.getByRole('row', { name: /OS sends queries here/ })).toContainText('no');
  await expect(page.getByRole('region', { name: 'Names', exact: true })).toContainText(`${name} → ${ip}`);
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/names.png'), fullPage: true });
});

/**
 * What the stand-ins recorded, less the read-only `ip -j … show` calls the topology and the
 * connectivity check make through the same PATH: only what would change the machine.
 */
function changesRun(log: string): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .filter((line) => {
      const call = JSON.parse(line) as { name: string; args: string[] };
      return !(call.name === 'ip' && call.args[0] === '-j' && call.args.at(-1) === 'show');
    });
}

test('wiring the OS happens only after a dialog that shows every file and command; Cancel runs nothing', async ({
  page,
}) => {
  // The macOS logic on Linux: KINDSCOPE_PLATFORM and stand-ins for the administrator prompt that record what they run.
  const dir = mkdtempSync(join(tmpdir(), 'i21-e2e-wiring-'));
  const standIns = installWiringStandIns(dir);
  const wiringServe = await startServe({
    ...cluster.env,
    ...standIns.env,
    KINDSCOPE_PLATFORM: 'darwin',
    KINDSCOPE_DNS_PORT: String(dnsPort + 1),
    PATH: `${standIns.bin}:${cluster.env.PATH}`,
  });
  try {
    await page.goto(wiringServe.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Names' }).click();
    await expect(
      page.getByRole('region', { name: 'Names status' }).getByRole('row', { name: /Resolver/ }),
    ).toContainText('macos-resolver');
    await page.getByRole('button', { name: 'Wire this machine…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm DNS wiring' });
    await expect(dialog).toContainText('/etc/resolver/kind.internal');
    await expect(dialog).toContainText(`nameserver 127.0.0.1\nport ${dnsPort + 1}`);
    await expect(dialog.getByRole('list', { name: 'Commands' })).toContainText(
      '/bin/mv -f /etc/resolver/kind.internal.kindscope-new /etc/resolver/kind.internal',
    );
    // The exact text the prompt will run (the run policy accepts only Kindscope's own templates).
    const script = `/bin/mkdir -p /etc/resolver && /bin/echo 'nameserver 127.0.0.1' > /etc/resolver/kind.internal.kindscope-new && /bin/echo 'port ${dnsPort + 1}' >> /etc/resolver/kind.internal.kindscope-new && /bin/mv -f /etc/resolver/kind.internal.kindscope-new /etc/resolver/kind.internal`;
    await expect(dialog.getByLabel('Administrator script')).toHaveText(script);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(changesRun(standIns.log)).toEqual([]);

    await page.getByRole('button', { name: 'Wire this machine…' }).click();
    await page
      .getByRole('dialog', { name: 'Confirm DNS wiring' })
      .getByRole('button', { name: 'Run as administrator' })
      .click();
    await expect
      .poll(() => existsSync(join(standIns.root, 'etc/resolver/kind.internal')), { timeout: 30_000 })
      .toBe(true);
    expect(readFileSync(join(standIns.root, 'etc/resolver/kind.internal'), 'utf8')).toBe(
      `nameserver 127.0.0.1\nport ${dnsPort + 1}\n`,
    );
    expect(changesRun(standIns.log).map((line) => JSON.parse(line))).toEqual([
      { name: 'osascript', args: ['-e', `do shell script "${script}" with administrator privileges`] },
    ]);
  } finally {
    await wiringServe.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
