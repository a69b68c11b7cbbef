import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from './kube-object.ts';
import { kubectl, kubectlOk, labApi } from '../lab-api.ts';
import { startLabCluster, type LabCluster } from '../lab-cluster.ts';
import { docker } from '../require-docker.ts';

let cluster: LabCluster;
const eventually = <T>(fn: () => T, timeout = 40_000) => vi.waitFor(fn, { timeout, interval: 250 });
const json = (args: string[]) => JSON.parse(kubectlOk(cluster, args)) as KubeObject;

/** A raw request with the admin certificate; resolves with status and parsed body. */
function raw(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: KubeObject }> {
  const api = labApi(cluster);
  const pki = (name: string) => readFileSync(join(api.stateDir, 'pki', name));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: new URL(api.url()).port,
        path,
        method,
        ca: pki('ca.crt'),
        cert: pki('admin.crt'),
        key: pki('admin.key'),
        headers: body ? { 'content-type': contentType } : {},
      },
      (response) => {
        let text = '';
        response.on('data', (c: Buffer) => (text += c.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** A watch stream's events, collected until `stop()`. */
function watchEvents(path: string) {
  const api = labApi(cluster);
  const pki = (name: string) => readFileSync(join(api.stateDir, 'pki', name));
  const events: { type: string; object: KubeObject }[] = [];
  let opened = 0;
  let buffer = '';
  const req = request(
    {
      host: '127.0.0.1',
      port: new URL(api.url()).port,
      path,
      ca: pki('ca.crt'),
      cert: pki('admin.crt'),
      key: pki('admin.key'),
    },
    (response) => {
      opened = response.statusCode ?? 0;
      response.on('data', (c: Buffer) => {
        buffer += c.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines.filter(Boolean)) events.push(JSON.parse(line));
      });
    },
  );
  req.on('error', () => undefined);
  req.end();
  return { events, opened: () => opened, stop: () => req.destroy() };
}

beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i12-api-${process.pid}`,
    workers: 2,
    cilium: {},
    nodeMonitorGracePeriod: '4s',
  });
});

afterAll(async () => {
  await cluster?.down();
});

describe('the lab API server behaves as kube-apiserver where clients depend on it', () => {
  it('kubectl scale works through the scale subresource, and the scheduler spreads the two replicas over both workers', async () => {
    kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=1']);
    kubectlOk(cluster, ['expose', 'deployment', 'web', '--port=80']);
    await eventually(() => expect(json(['get', 'deployment', 'web', '-o', 'json']).status.readyReplicas).toBe(1));
    expect(kubectlOk(cluster, ['scale', 'deployment', 'web', '--replicas=2']).trim()).toBe(
      'deployment.apps/web scaled',
    );
    const scale = json(['get', '--raw', '/apis/apps/v1/namespaces/default/deployments/web/scale']);
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 2 },
      status: { selector: 'app=web' },
    });
    await eventually(() => {
      const pods = json(['get', 'pods', '-l', 'app=web', '-o', 'json']).items as KubeObject[];
      expect(pods.filter((p) => p.status.phase === 'Running')).toHaveLength(2);
      expect(pods.map((p) => p.spec.nodeName).sort()).toEqual([`${cluster.name}-worker`, `${cluster.name}-worker2`]);
    });
  });

  it('a list with limit=1 returns a continue token, and following the tokens lists the rest exactly once', async () => {
    const all = (json(['get', 'pods', '-n', 'kube-system', '-o', 'json']).items as KubeObject[])
      .map((p) => p.metadata.name)
      .sort();
    expect(all.length).toBeGreaterThan(2);
    const seen: string[] = [];
    let page = await raw('GET', '/api/v1/namespaces/kube-system/pods?limit=1');
    expect(page.body.metadata.continue).toBeTruthy();
    expect(page.body.metadata.remainingItemCount).toBe(all.length - 1);
    const listRv = page.body.metadata.resourceVersion;
    for (;;) {
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((p: KubeObject) => p.metadata.name));
      const token = page.body.metadata.continue;
      if (!token) break;
      page = await raw('GET', `/api/v1/namespaces/kube-system/pods?limit=1&continue=${encodeURIComponent(token)}`);
      expect(page.body.metadata.resourceVersion).toBe(listRv);
    }
    expect(seen.sort()).toEqual(all);
    // kubectl pages the same way with --chunk-size.
    expect(
      kubectlOk(cluster, ['get', 'pods', '-n', 'kube-system', '--chunk-size=1', '-o', 'name'])
        .trim()
        .split('\n')
        .sort(),
    ).toEqual(all.map((n) => `pod/${n}`));
    expect((await raw('GET', '/api/v1/namespaces/kube-system/pods?limit=1&continue=bm90LWEtdG9rZW4=')).status).toBe(
      400,
    );
  });

  it("refuses a field selector outside the resource's supported set with 400; a supported one filters", async () => {
    const refused = await raw('GET', '/api/v1/pods?fieldSelector=spec.foo%3Dbar');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'field label not supported: spec.foo',
      code: 400,
    });
    expect((await raw('GET', '/api/v1/services?fieldSelector=status.phase%3DRunning')).status).toBe(400);
    expect((await raw('GET', '/api/v1/pods?watch=true&fieldSelector=metadata.labels%3Dx')).status).toBe(400);
    const result = kubectl(cluster, ['get', 'pods', '-A', '--field-selector', 'spec.foo=bar']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('field label not supported: spec.foo');
    const onWorker = json([
      'get',
      'pods',
      '-A',
      '--field-selector',
      `spec.nodeName=${cluster.name}-worker`,
      '-o',
      'json',
    ]).items as KubeObject[];
    expect(onWorker.length).toBeGreaterThan(0);
    expect(onWorker.every((p) => p.spec.nodeName === `${cluster.name}-worker`)).toBe(true);
  });

  it('a watch with a label selector gets ADDED when an object moves in and DELETED (its previous state) when it moves out', async () => {
    // kubectl's -o json of a list drops the resourceVersion: the list's own one.
    const rv = (await raw('GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
    const watch = watchEvents(
      `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=team%3Da&resourceVersion=${rv}`,
    );
    try {
      // kubectl runs synchronously below: let the watch open first.
      await eventually(() => expect(watch.opened()).toBe(200));
      kubectlOk(cluster, ['create', 'configmap', 'mover', '--from-literal=k=v']);
      kubectlOk(cluster, ['label', 'configmap', 'mover', 'team=a']);
      kubectlOk(cluster, ['label', 'configmap', 'mover', 'team=b', '--overwrite']);
      kubectlOk(cluster, ['delete', 'configmap', 'mover']);
      await eventually(() => expect(watch.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(watch.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
      const [added, deleted] = watch.events.map((e) => e.object) as [KubeObject, KubeObject];
      expect(added.metadata.labels).toEqual({ team: 'a' });
      expect(deleted.metadata.labels).toEqual({ team: 'a' });
      expect(Number(deleted.metadata.resourceVersion)).toBeGreaterThan(Number(added.metadata.resourceVersion));
    } finally {
      watch.stop();
    }
  });

  it('answers a resourceVersion newer than the store with 504 "Too large resource version" after waiting', async () => {
    const current = Number(json(['get', 'namespaces', '-o', 'json']).metadata.resourceVersion);
    const future = current + 100_000;
    for (const path of [
      `/api/v1/namespaces?resourceVersion=${future}`,
      `/api/v1/namespaces?watch=true&resourceVersion=${future}`,
    ]) {
      const answer = await raw('GET', path);
      expect(answer.status).toBe(504);
      expect(answer.body).toMatchObject({
        reason: 'Timeout',
        code: 504,
        details: {
          causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          retryAfterSeconds: 1,
        },
      });
      expect(answer.body.message).toMatch(new RegExp(`^Too large resource version: ${future}, current: \\d+$`));
    }
  });

  it('an object with finalizers is terminating on delete and goes when the last finalizer is removed', async () => {
    kubectlOk(
      cluster,
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\ndata: { k: v }\n',
    );
    kubectlOk(cluster, ['delete', 'configmap', 'held', '--wait=false']);
    const terminating = json(['get', 'configmap', 'held', '-o', 'json']);
    expect(terminating.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(terminating.metadata.finalizers).toEqual(['example.com/hold']);
    const adding = kubectl(cluster, [
      'patch',
      'configmap',
      'held',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}',
    ]);
    expect(adding.code).not.toBe(0);
    expect(adding.stderr).toContain('no new finalizers can be added if the object is being deleted');
    kubectlOk(cluster, ['patch', 'configmap', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    expect(kubectl(cluster, ['get', 'configmap', 'held']).stderr).toContain('NotFound');
  });

  it('a namespace is Terminating while an object in it is held, refuses new content, and goes once it is empty', async () => {
    kubectlOk(cluster, ['create', 'namespace', 'i12-term']);
    kubectlOk(
      cluster,
      ['apply', '-n', 'i12-term', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\n',
    );
    kubectlOk(cluster, ['create', 'configmap', 'free', '-n', 'i12-term']);
    kubectlOk(cluster, ['delete', 'namespace', 'i12-term', '--wait=false']);
    expect(json(['get', 'namespace', 'i12-term', '-o', 'json']).status.phase).toBe('Terminating');
    expect(kubectl(cluster, ['get', 'configmap', 'free', '-n', 'i12-term']).code).not.toBe(0);
    expect(kubectl(cluster, ['create', 'configmap', 'late', '-n', 'i12-term']).stderr).toContain(
      'because it is being terminated',
    );
    kubectlOk(cluster, [
      'patch',
      'configmap',
      'held',
      '-n',
      'i12-term',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]);
    await eventually(() => expect(kubectl(cluster, ['get', 'namespace', 'i12-term']).stderr).toContain('NotFound'));
  });
});

describe('node lifecycle: a stopped worker goes NotReady after the grace period and comes back', () => {
  it('its node turns Unknown and tainted unreachable, its pod not ready, its endpoint not ready; start brings all back', async () => {
    const worker = `${cluster.name}-worker2`;
    const pod = (json(['get', 'pods', '-l', 'app=web', '-o', 'json']).items as KubeObject[]).find(
      (p) => p.spec.nodeName === worker,
    )!;
    expect(pod).toBeDefined();
    const endpoint = () =>
      (
        (
          json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json']).items as KubeObject[]
        ).flatMap((s) => s.endpoints) as KubeObject[]
      ).find((e) => e.targetRef.name === pod.metadata.name);
    expect(endpoint()?.conditions.ready).toBe(true);
    docker(['stop', '-t', '1', worker]);
    try {
      await eventually(() =>
        expect(kubectlOk(cluster, ['get', 'node', worker])).toMatch(new RegExp(`${worker}\\s+NotReady`)),
      );
      const node = json(['get', 'node', worker, '-o', 'json']);
      expect(node.status.conditions.find((c: KubeObject) => c.type === 'Ready')).toMatchObject({
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
      });
      expect(node.spec.taints).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }),
          expect.objectContaining({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }),
        ]),
      );
      await eventually(() =>
        expect(
          json(['get', 'pod', pod.metadata.name, '-o', 'json']).status.conditions.find(
            (c: KubeObject) => c.type === 'Ready',
          ).status,
        ).toBe('False'),
      );
      await eventually(() => expect(endpoint()?.conditions.ready).toBe(false));
      expect(json(['get', 'deployment', 'web', '-o', 'json']).status.readyReplicas).toBe(1);
    } finally {
      docker(['start', worker]);
    }
    await eventually(() =>
      expect(kubectlOk(cluster, ['get', 'node', worker])).toMatch(new RegExp(`${worker}\\s+Ready`)),
    );
    expect(json(['get', 'node', worker, '-o', 'json']).spec.taints ?? []).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unreachable' })]),
    );
    await eventually(() => expect(endpoint()?.conditions.ready).toBe(true));
  });
});
