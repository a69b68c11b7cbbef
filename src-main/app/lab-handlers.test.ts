import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, requireDocker, tryDocker } from '../../e2e/lab/require-docker.ts';
import { createTypedClient } from '../contract';
import { createApp, type App } from './compose';

/**
 * The lab calls through the real router and typed client, over the real engine. The kind
 * network is this file's own (kind's KIND_EXPERIMENTAL_DOCKER_NETWORK, read at each call):
 * made here as kind makes it, never one an earlier test happened to leave.
 */
let app: App;
const network = `ks-calls-${randomBytes(3).toString('hex')}`;
const saved = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK;
beforeAll(() => {
  requireDocker();
  process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK = network;
  app = createApp({ transport: 'test', live: false });
});
afterAll(() => {
  app.dispose();
  tryDocker(['network', 'rm', network]);
  if (saved === undefined) delete process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK;
  else process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK = saved;
});
const client = () => createTypedClient(app.router);

describe('lab calls', () => {
  it('before kind made the network, lab:validate-plan and lab:render accept the default plan: the run carves the pool', async () => {
    expect(tryDocker(['network', 'inspect', network]).status).not.toBe(0);
    const validated = await client().invoke('lab:validate-plan', { name: 'i14-calls' });
    expect(validated.ok && validated.value.valid).toBe(true);
    expect(validated.ok && validated.value.poolCidr).toBeUndefined();
    expect(validated.ok && validated.value.findings.map((f) => [f.code, f.severity])).toEqual([
      ['pool-carved-at-run', 'info'],
    ]);
    const rendered = await client().invoke('lab:render', { name: 'i14-calls', script: true });
    expect(rendered.ok, JSON.stringify(rendered)).toBe(true);
    if (!rendered.ok) return;
    expect(rendered.value.steps.map((s) => s.id)).toContain('carve-pool');
    expect(rendered.value.steps.find((s) => s.id === 'carve-pool')?.command).toEqual([
      'docker',
      'network',
      'inspect',
      network,
    ]);
    expect(rendered.value.script).toContain('pool_cidr="$(carve_pool "$kind_network")"');
  });

  it('lab:default-plan, then lab:validate-plan resolves the pool on the kind network', async () => {
    docker(['network', 'create', network]);
    const defaults = await client().invoke('lab:default-plan', { name: 'i14-calls' });
    expect(defaults.ok).toBe(true);
    if (!defaults.ok) return;
    const validated = await client().invoke('lab:validate-plan', { plan: defaults.value.plan });
    expect(validated.ok && validated.value.valid).toBe(true);
    expect(validated.ok && validated.value.poolCidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/2\d$/);
    // The wizard's address bar: the network as Docker has it, with its gateway among the used ranges.
    const subnet = docker(['network', 'inspect', network, '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}'])
      .split(' ')
      .find((s) => s.includes('.'));
    expect(validated.ok && validated.value.network?.subnet).toBe(subnet);
    expect(validated.ok && validated.value.network?.used.some((u) => u.kind === 'gateway')).toBe(true);
  });

  it('lab:validate-plan answers a malformed plan with one finding per field', async () => {
    const result = await client().invoke('lab:validate-plan', {
      plan: { cluster: { name: 'i14-x', workers: -1 }, cilium: { devices: [] } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.valid).toBe(false);
    expect(result.value.findings.map((f) => f.field).sort()).toEqual(['cilium.devices', 'cluster.workers']);
  });

  it('lab:render refuses a plan with errors as data naming the field and the fix', async () => {
    const result = await client().invoke('lab:render', {
      plan: { cluster: { name: 'i14-y', workers: 1 }, cilium: { operatorReplicas: 5 } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'INVALID_INPUT' });
    // One style (issue 28): a sentence naming the field once, ending with a full stop.
    expect(result.error.message).toMatch(
      /^operator\.replicas 5 is more than the 2 nodes: .* stay Pending \(cilium\.operatorReplicas\)\.$/,
    );
    expect(result.error.hint).toMatch(/at most 2.*\.$/);
  });

  it("a refusal whose message names its field says it once, with a full stop; the default plan's node count is the wizard's 2 workers", async () => {
    const defaults = await client().invoke('lab:default-plan', { name: 'i28-copy' });
    expect(defaults.ok && defaults.value.plan.cluster.workers).toBe(2);
    const result = await client().invoke('lab:render', {
      plan: { cluster: { name: 'i28-copy' }, cilium: { k8sServiceHost: 'elsewhere-control-plane' } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(
      'k8sServiceHost "elsewhere-control-plane" names no control-plane node of cluster "i28-copy": the agents cannot reach the API server.',
    );
    const validated = await client().invoke('lab:validate-plan', {
      plan: { cluster: { name: 'i28-copy' }, cilium: { k8sServiceHost: 'elsewhere-control-plane' } },
    });
    expect(validated.ok).toBe(true);
    if (!validated.ok) return;
    for (const f of validated.value.findings) {
      expect(f.message, f.code).toMatch(/[.?!]$/);
      expect(f.fix, f.code).toMatch(/[.?!]$/);
    }
  });

  it('lab:import and lab:render give the script on request', async () => {
    const imported = await client().invoke('lab:import', {
      sources: [
        {
          name: 'cmd',
          text: 'helm install cilium cilium/cilium --set ipam.mode=kubernetes --set kubeProxyReplacement=true',
        },
      ],
      name: 'i14-z',
    });
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    const rendered = await client().invoke('lab:render', { plan: imported.value.plan, script: true });
    expect(rendered.ok && rendered.value.script).toMatch(/set -euo pipefail/);
    expect(rendered.ok && rendered.value.steps.map((s) => s.id)).toContain('kind-create');
  });
});
