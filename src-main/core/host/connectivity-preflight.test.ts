import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createMacStandIns } from '../../../e2e/lab/mac-net-standins.ts';
import { ConnectivityService } from './connectivity-service';

const mac = createMacStandIns();
afterAll(() => mac.remove());

/** The wizard's preflight before a lab exists: no cluster, no engine call (the runtime is set). */
function service(env: NodeJS.ProcessEnv) {
  const unused = () => {
    throw new Error('the preflight must not need the cluster');
  };
  return new ConnectivityService({
    docker: unused,
    engineClues: async () => undefined,
    statusOf: unused,
    env,
    mac: {
      env,
      exists: (path) => (path === '/var/run/docker.sock' ? true : !path.includes('brew') && existsSync(path)),
    },
  });
}

describe('preflight: will this machine reach the lab?', () => {
  it('macOS + Docker Desktop without docker-mac-net-connect: a warning with the exact fix to come', async () => {
    mac.set({ state: 'not-installed' });
    const [check] = await service(mac.env).preflight('demo');
    expect(check).toMatchObject({
      name: 'reach from this machine',
      ok: false,
      severity: 'warning',
      detail: 'docker-mac-net-connect not installed: this Mac will not reach the node and LoadBalancer IPs.',
    });
    expect(check!.fix).toContain(
      `kindscope connectivity --cluster demo --fix (runs ${mac.dir}/bin/brew install chipmk/tap/docker-mac-net-connect, then osascript -e 'do shell script "/opt/homebrew/bin/brew services start`,
    );
    // Only read: nothing installed or started.
    expect(mac.calls().filter(([tool, verb]) => tool === 'osascript' || verb === 'install')).toEqual([]);
  });

  it('installed and running: ok', async () => {
    mac.set({ state: 'running', routes: true });
    expect(await service(mac.env).preflight('demo')).toEqual([
      expect.objectContaining({
        ok: true,
        detail:
          'docker-mac-net-connect 0.1.5 installed, service running: the tunnel routes Docker networks to this Mac.',
      }),
    ]);
  });

  it('Linux: nothing to add (the bridge route comes with the network)', async () => {
    expect(
      await service({ ...mac.env, KINDSCOPE_PLATFORM: 'linux', KINDSCOPE_RUNTIME: 'native' }).preflight('demo'),
    ).toEqual([]);
  });

  it('Colima on macOS: a warning that explains what is needed', async () => {
    const [check] = await service({ ...mac.env, KINDSCOPE_RUNTIME: 'colima' }).preflight('demo');
    expect(check).toMatchObject({ ok: false, fix: expect.stringContaining('colima start --network-address') });
  });
});
