import { describe, expect, it } from 'vitest';
import type { KubeService } from '../kube/kube-types';
import { buildClusterStatus } from './cluster-model';
import { MeasurementStore } from './measurements';

const service = (name: string, ip?: string): KubeService =>
  ({
    metadata: { name, namespace: 'default' },
    spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
    status: ip ? { loadBalancer: { ingress: [{ ip }] } } : {},
  }) as KubeService;

const model = (store: MeasurementStore, cluster: string, services: KubeService[]) =>
  buildClusterStatus({
    cluster,
    context: `kind-${cluster}`,
    kube: { absent: [], services },
    streams: [],
    probes: store.of(cluster),
  });

describe('one store of measurements, keyed by cluster and IP', () => {
  it("a measurement by any view is the model's answeredBy for the service holding that IP, with the view that took it", () => {
    const store = new MeasurementStore();
    const heard: string[] = [];
    store.onDidRecord(({ cluster, ip, measurement }) => heard.push(`${cluster} ${ip} ${measurement.takenBy}`));
    store.record(
      'lab',
      '172.18.250.1',
      { node: 'lab-worker', mac: '02:42:ac:12:00:03', checkedAt: '2026-12-06T10:42:07.000Z' },
      'run',
    );
    const web = model(store, 'lab', [service('web', '172.18.250.1')]).services[0]!;
    expect(web.answeredBy).toEqual({
      node: 'lab-worker',
      mac: '02:42:ac:12:00:03',
      checkedAt: '2026-12-06T10:42:07.000Z',
      takenBy: 'run',
    });
    // The claim stays apart: no Lease here, so no holder is made up from the measurement.
    expect(web.leaseHolder).toBeUndefined();
    expect(heard).toEqual(['lab 172.18.250.1 run']);
  });

  it('the latest measurement wins, whichever view took it; an older one arriving late does not replace it', () => {
    const store = new MeasurementStore();
    store.record(
      'lab',
      '172.18.250.1',
      { node: 'lab-worker', mac: 'aa', checkedAt: '2026-12-06T10:00:00.000Z' },
      'check',
    );
    store.record(
      'lab',
      '172.18.250.1',
      { node: 'lab-worker2', mac: 'bb', checkedAt: '2026-12-06T10:00:05.000Z' },
      'capture',
    );
    store.record(
      'lab',
      '172.18.250.1',
      { node: 'lab-worker', mac: 'aa', checkedAt: '2026-12-06T10:00:01.000Z' },
      'ping',
    );
    expect(store.get('lab', '172.18.250.1')).toMatchObject({ node: 'lab-worker2', takenBy: 'capture' });
  });

  it("another cluster's measurement of the same IP, or a service that now has another IP, shows no measurement", () => {
    const store = new MeasurementStore();
    store.record(
      'other',
      '172.18.250.1',
      { node: 'other-worker', mac: 'cc', checkedAt: '2026-12-06T10:00:00.000Z' },
      'check',
    );
    store.record(
      'lab',
      '172.18.250.9',
      { node: 'lab-worker', mac: 'aa', checkedAt: '2026-12-06T10:00:00.000Z' },
      'check',
    );
    const services = model(store, 'lab', [service('web', '172.18.250.1'), service('pending')]).services;
    expect(services.map((s) => s.answeredBy)).toEqual([undefined, undefined]);
  });
});
