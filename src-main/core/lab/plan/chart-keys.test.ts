import { describe, expect, it } from 'vitest';
import { chartKeySourceFor, unknownChartKeys, valuePaths } from './chart-keys';

describe('unknownChartKeys', () => {
  it('knows the keys values.yaml only mentions in comments but the templates read', () => {
    const values = {
      kubeProxyReplacement: true,
      devices: ['eth0'],
      externalIPs: { enabled: true },
      l2announcements: { enabled: true, leaseDuration: '3s', leaseRenewDeadline: '1s', leaseRetryPeriod: '500ms' },
    };
    expect(unknownChartKeys(values, '1.16.5')).toEqual([]);
    expect(unknownChartKeys(values, '1.18.14')).toEqual([]);
  });

  it.each([
    [
      'a typo in a section read in full',
      { ipam: { mdoe: 'kubernetes' } },
      '1.18.14',
      { path: 'ipam.mdoe', replacement: 'ipam.mode' },
    ],
    [
      'a near miss of a top-level name',
      { kubeProxyReplacment: true },
      '1.18.14',
      { path: 'kubeProxyReplacment', replacement: 'kubeProxyReplacement' },
    ],
    [
      'a removed value, with its replacement',
      { tunnel: 'vxlan' },
      '1.16.5',
      { path: 'tunnel', replacement: 'routingMode=tunnel and tunnelProtocol=vxlan|geneve' },
    ],
    [
      'a value replaced in 1.19, from 1.19',
      { l2podAnnouncements: { interface: 'eth0' } },
      '1.19.0',
      { path: 'l2podAnnouncements.interface', replacement: 'l2podAnnouncements.interfacePattern' },
    ],
    [
      'a key only the 1.17 snapshot has, on 1.16',
      { l2podAnnouncements: { interfacePattern: 'eth' } },
      '1.16.5',
      { path: 'l2podAnnouncements.interfacePattern' },
    ],
  ])('%s', (_title, values, version, expected) => {
    expect(unknownChartKeys(values, version)).toEqual([expect.objectContaining(expected)]);
  });

  it.each([
    ['a value replaced in 1.19, before 1.19', { l2podAnnouncements: { interface: 'eth0' } }, '1.18.14'],
    ['a key the 1.17 snapshot has, on 1.18', { l2podAnnouncements: { interfacePattern: 'eth' } }, '1.18.14'],
    ['anything under an object value such as hubble', { hubble: { relay: { enabled: true, whatever: 1 } } }, '1.18.14'],
    ['a section not read in full is not judged', { bgpControlPlane: { enabled: true, someNewKey: 1 } }, '1.18.14'],
  ])('accepts %s', (_title, values, version) => {
    expect(unknownChartKeys(values, version)).toEqual([]);
  });

  it('names its source and uses the newest snapshot not after the version', () => {
    expect(chartKeySourceFor('1.16.5').source).toMatch(/1\.16\.0-rc\.1/);
    expect(chartKeySourceFor('1.18.14').source).toMatch(/cilium_1\.17\.3 @ 59b7aecdcf0f/);
    expect(chartKeySourceFor('1.15.4').source).toMatch(/1\.16\.0-rc\.1/);
  });

  it('valuePaths lists leaves; lists and empty objects are leaves', () => {
    expect(valuePaths({ a: { b: 1, c: [1, 2] }, d: {}, e: 'x' })).toEqual(['a.b', 'a.c', 'd', 'e']);
  });
});
