import { describe, expect, it } from 'vitest';
import { applyAssignment, parseSetArgument } from './helm-set';

describe('parseSetArgument (helm strvals)', () => {
  it.each([
    ['kubeProxyReplacement=true', [{ path: ['kubeProxyReplacement'], value: true, raw: 'true' }]],
    ['kubeProxyReplacement=strict', [{ path: ['kubeProxyReplacement'], value: 'strict', raw: 'strict' }]],
    ['operator.replicas=2', [{ path: ['operator', 'replicas'], value: 2, raw: '2' }]],
    ['l2announcements.leaseDuration=3s', [{ path: ['l2announcements', 'leaseDuration'], value: '3s', raw: '3s' }]],
    ['devices={eth0,net0}', [{ path: ['devices'], value: ['eth0', 'net0'], raw: '{eth0,net0}' }]],
    [
      'a=1,b.c=x',
      [
        { path: ['a'], value: 1, raw: '1' },
        { path: ['b', 'c'], value: 'x', raw: 'x' },
      ],
    ],
    ['name=a\\,b', [{ path: ['name'], value: 'a,b', raw: 'a\\,b' }]],
    [
      'nodeSelector.kubernetes\\.io/os=linux',
      [{ path: ['nodeSelector', 'kubernetes.io/os'], value: 'linux', raw: 'linux' }],
    ],
    ['x=null', [{ path: ['x'], value: null, raw: 'null' }]],
    ['x=007', [{ path: ['x'], value: '007', raw: '007' }]],
  ])('%s', (argument, expected) => {
    expect(parseSetArgument(argument)).toEqual(expected);
  });

  it('--set-string keeps strings', () => {
    expect(parseSetArgument('operator.replicas=2', true)[0]!.value).toBe('2');
  });

  it('later assignments win, nested paths and list items are built', () => {
    const values: Record<string, unknown> = {};
    for (const argument of [
      'kubeProxyReplacement=true',
      'kubeProxyReplacement=strict',
      'ipam.operator.clusterPoolIPv4PodCIDRList[0]=10.244.0.0/16',
      'a.b=1',
    ]) {
      for (const assignment of parseSetArgument(argument)) applyAssignment(values, assignment);
    }
    expect(values).toEqual({
      kubeProxyReplacement: 'strict',
      ipam: { operator: { clusterPoolIPv4PodCIDRList: ['10.244.0.0/16'] } },
      a: { b: 1 },
    });
  });
});
