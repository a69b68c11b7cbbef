import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinTypes } from './builtin-types.ts';
import { reconcileAgents, maxUnavailable, type AgentsContext } from './cilium-agents.ts';
import type { KubeObject } from './kube-object.ts';
import { sharedAddress, silencedBySharing, vipStillAnnounced } from './lb-sharing.ts';
import { ObjectStore } from './store.ts';
import { chartObjects } from '../helm/chart-objects.ts';
import { l2PodAnnouncementConfig } from '../helm/chart-version-config.ts';

/** What the simulated Cilium does differently by installed version, where it matters to an upgrade. */

const svc = (
  name: string,
  opts: { key?: string; ports?: number[]; ip?: string; ns?: string; created?: string; cross?: string },
) => ({
  metadata: {
    name,
    namespace: opts.ns ?? 'default',
    creationTimestamp: opts.created ?? '2026-12-06T09:00:00Z',
    annotations: {
      ...(opts.key ? { 'lbipam.cilium.io/sharing-key': opts.key } : {}),
      ...(opts.cross ? { 'lbipam.cilium.io/sharing-cross-namespace': opts.cross } : {}),
    },
  },
  spec: { type: 'LoadBalancer', ports: (opts.ports ?? [80]).map((port) => ({ port, protocol: 'TCP' })) },
  status: opts.ip ? { loadBalancer: { ingress: [{ ip: opts.ip }] } } : {},
});

describe('LB-IPAM sharing keys (lb-ipam.rst "Sharing Keys")', () => {
  const web = svc('web', { key: 'k', ports: [80], ip: '172.18.250.1' });
  it.each([
    ['same key, other port: the same IP', svc('api', { key: 'k', ports: [8080] }), [web], '172.18.250.1'],
    ['same key, same port: its own IP', svc('api', { key: 'k', ports: [80] }), [web], undefined],
    ['another key', svc('api', { key: 'other', ports: [8080] }), [web], undefined],
    ['no key', svc('api', { ports: [8080] }), [web], undefined],
    ['another namespace without consent', svc('api', { key: 'k', ports: [8080], ns: 'other' }), [web], undefined],
    [
      'another namespace, both allowing it',
      svc('api', { key: 'k', ports: [8080], ns: 'other', cross: 'default' }),
      [svc('web', { key: 'k', ports: [80], ip: '172.18.250.1', cross: '*' })],
      '172.18.250.1',
    ],
  ])('%s', (_name, service, others, expected) => {
    expect(sharedAddress(service, [...others, service])).toBe(expected);
  });
  it('an IP given earlier in the same pass is shared too', () => {
    const a = svc('a', { key: 'k', ports: [80] });
    const b = svc('b', { key: 'k', ports: [81] });
    expect(sharedAddress(b, [a, b], new Map([['default/a', '172.18.250.9']]))).toBe('172.18.250.9');
  });
});

describe('L2 with a sharing key: from 1.19 only one of the services sharing an IP answers (cilium/cilium#44222)', () => {
  const services = [
    svc('web', { key: 'k', ports: [80], ip: '172.18.250.1', created: '2026-12-06T09:00:00Z' }),
    svc('api', { key: 'k', ports: [8080], ip: '172.18.250.1', created: '2026-12-06T09:01:00Z' }),
    svc('solo', { ports: [80], ip: '172.18.250.2' }),
  ];
  it.each([
    ['1.18.14', []],
    ['1.19.0', ['default/api']],
    ['1.19.8', ['default/api']],
    ['1.20.2', ['default/api']],
  ])('%s', (version, expected) => {
    expect([...silencedBySharing(version, services)]).toEqual(expected);
  });
});

describe('withdrawing one port of a shared VIP keeps the address while the node announces another', () => {
  const wanted = new Map([['172.18.250.1:80', 'lab-worker|web-1|web|']]);
  it.each([
    ['172.18.250.1', 'lab-worker', true],
    ['172.18.250.1', 'lab-worker2', false],
    ['172.18.250.10', 'lab-worker', false],
  ])('%s on %s: %s', (vip, node, expected) => {
    expect(vipStillAnnounced(wanted, vip, node)).toBe(expected);
  });
});

describe("cilium-config's L2 pod announcement interface follows the minor's templates (template-reads.txt)", () => {
  const values = { l2podAnnouncements: { enabled: true, interface: 'eth1' } };
  it.each([
    ['1.17.18', values, { 'enable-l2-pod-announcements': 'true', 'l2-pod-announcements-interface': 'eth1' }],
    ['1.18.14', values, { 'enable-l2-pod-announcements': 'true', 'l2-pod-announcements-interface': 'eth1' }],
    // 1.19 reads only interfacePattern: the old key is ignored, no interface is configured.
    ['1.19.8', values, { 'enable-l2-pod-announcements': 'true' }],
    ['1.20.2', values, { 'enable-l2-pod-announcements': 'true' }],
    [
      '1.20.2',
      { l2podAnnouncements: { enabled: true, interfacePattern: '^eth1$' } },
      { 'enable-l2-pod-announcements': 'true', 'l2-pod-announcements-interface-pattern': '^eth1$' },
    ],
    [
      '1.18.14',
      { l2podAnnouncements: { enabled: true, interfacePattern: '^eth1$' } },
      { 'enable-l2-pod-announcements': 'true', 'l2-pod-announcements-interface-pattern': '^eth1$' },
    ],
    ['1.20.2', { l2podAnnouncements: { enabled: false, interfacePattern: 'x' } }, {}],
  ])('%s %j', (version, vals, expected) => {
    expect(l2PodAnnouncementConfig(vals, version)).toEqual(expected);
  });
});

describe('the agents roll out when the DaemonSet template changes (RollingUpdate)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function lab(nodeCount: number) {
    const dir = mkdtempSync(join(tmpdir(), 'agents-'));
    dirs.push(dir);
    const store = new ObjectStore(join(dir, 'state.json'));
    const types = builtinTypes();
    const type = (group: string, plural: string) => types.find((t) => t.group === group && t.plural === plural);
    const ctx: AgentsContext = { store, type, list: (g, p, n) => store.list(type(g, p)!, n) };
    for (let i = 0; i < nodeCount; i += 1)
      store.create(type('', 'nodes')!, {
        metadata: { name: `n${i}` },
        status: { addresses: [{ type: 'InternalIP', address: `172.18.0.${i + 2}` }] },
      });
    const install = (version: string, values: KubeObject = {}) => {
      const ds = chartObjects(values, version).find((o) => o.kind === 'DaemonSet')!;
      const existing = store.find(type('apps', 'daemonsets')!, 'kube-system', 'cilium');
      if (existing) store.update(type('apps', 'daemonsets')!, { ...existing, spec: ds.spec });
      else store.create(type('apps', 'daemonsets')!, ds);
    };
    const ds = () => store.find(type('apps', 'daemonsets')!, 'kube-system', 'cilium')!;
    const images = () =>
      ctx
        .list('', 'pods', 'kube-system')
        .map((p) => p.spec.containers[0].image as string)
        .sort();
    return { ctx, install, ds, images };
  }

  it("replaces at most maxUnavailable (the chart's 2) old agents per pass, and says so in the status until done", () => {
    const { ctx, install, ds, images } = lab(3);
    install('1.18.14');
    reconcileAgents(ctx, undefined);
    expect(images()).toEqual(Array(3).fill('quay.io/cilium/cilium:v1.18.14'));
    expect(ds().status).toMatchObject({ numberReady: 3, updatedNumberScheduled: 3, desiredNumberScheduled: 3 });
    install('1.20.2');
    expect(ds().metadata.generation).toBe(2);
    reconcileAgents(ctx, undefined);
    expect(images().filter((i) => i.endsWith('v1.20.2'))).toHaveLength(2);
    expect(ds().status).toMatchObject({ updatedNumberScheduled: 2, numberAvailable: 1, observedGeneration: 2 });
    // The two new agents come up; while they were not ready the budget held the third old one back.
    reconcileAgents(ctx, undefined);
    expect(images().filter((i) => i.endsWith('v1.20.2'))).toHaveLength(2);
    expect(ds().status).toMatchObject({ updatedNumberScheduled: 2, numberAvailable: 3 });
    reconcileAgents(ctx, undefined);
    expect(images()).toEqual(Array(3).fill('quay.io/cilium/cilium:v1.20.2'));
    expect(ds().status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 2 });
    reconcileAgents(ctx, undefined);
    expect(ds().status).toMatchObject({ numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3 });
  });

  it('rollOutCiliumPods: a values change alone rolls the agents (the ConfigMap checksum on the template)', () => {
    const { ctx, install, images, ds } = lab(1);
    install('1.18.14', { rollOutCiliumPods: true });
    reconcileAgents(ctx, undefined);
    const before = ctx.list('', 'pods', 'kube-system')[0]!.metadata.uid;
    install('1.18.14', { rollOutCiliumPods: true, l2announcements: { enabled: true } });
    reconcileAgents(ctx, undefined);
    expect(ctx.list('', 'pods', 'kube-system')[0]!.metadata.uid).not.toBe(before);
    expect(images()).toEqual(['quay.io/cilium/cilium:v1.18.14']);
    expect(ds().status.numberAvailable).toBe(0);
    // Without it the same change leaves the pods running.
    const other = lab(1);
    other.install('1.18.14');
    reconcileAgents(other.ctx, undefined);
    const uid = other.ctx.list('', 'pods', 'kube-system')[0]!.metadata.uid;
    other.install('1.18.14', { l2announcements: { enabled: true } });
    reconcileAgents(other.ctx, undefined);
    expect(other.ctx.list('', 'pods', 'kube-system')[0]!.metadata.uid).toBe(uid);
  });

  it.each([
    [2, 3, 2],
    ['50%', 3, 2],
    [0, 3, 1],
  ])('maxUnavailable %j of %i nodes is %i', (value, nodes, expected) => {
    expect(maxUnavailable({ spec: { updateStrategy: { rollingUpdate: { maxUnavailable: value } } } }, nodes)).toBe(
      expected,
    );
  });
});
