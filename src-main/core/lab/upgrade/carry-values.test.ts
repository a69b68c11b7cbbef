import { describe, expect, it } from 'vitest';
import { carryValues, renamedIn } from './carry-values';

/** The values a Kindscope lab installs on 1.18, plus the value the acceptance names. */
const lab118 = {
  kubeProxyReplacement: true,
  l2announcements: { enabled: true },
  externalIPs: { enabled: true },
  l2podAnnouncements: { enabled: true, interface: 'eth0' },
  operator: { replicas: 1 },
};

describe('carryValues: the release values judged against the target chart', () => {
  it('1.18 → 1.20: l2podAnnouncements.interface is carried as interfacePattern, anchored; kept values stay', () => {
    const { items, values } = carryValues(lab118, '1.20.2');
    const renamed = items.find((i) => i.id === 'value:l2podAnnouncements.interface');
    expect(renamed).toMatchObject({ outcome: 'renamed', newName: 'l2podAnnouncements.interfacePattern' });
    expect(values).toMatchObject({ l2podAnnouncements: { enabled: true, interfacePattern: '^eth0$' } });
    expect((values.l2podAnnouncements as Record<string, unknown>).interface).toBeUndefined();
    expect(items.find((i) => i.id === 'value:kubeProxyReplacement')?.outcome).toBe('kept');
    expect(items.some((i) => i.outcome === 'blocking')).toBe(false);
  });

  it('externalIPs.enabled, gone from the chart since 1.18, is dropped (helm would ignore it)', () => {
    const { items, values } = carryValues(lab118, '1.19.8');
    expect(items.find((i) => i.id === 'value:externalIPs.enabled')?.outcome).toBe('dropped');
    expect(values.externalIPs).toBeUndefined();
  });

  it('1.19 → 1.20 has nothing to rename (both have interfacePattern)', () => {
    expect(renamedIn('l2podAnnouncements.interfacePattern', '1.20.2')).toBeUndefined();
    const { items } = carryValues({ l2podAnnouncements: { interfacePattern: '^eth0$' } }, '1.20.2');
    expect(items.map((i) => i.outcome)).toEqual(['kept']);
  });

  it('a value 1.18 accepts and 1.19+ refuses (bpf.tproxy with netkit) blocks with the chart message', () => {
    const risky = { ...lab118, bpf: { tproxy: true, datapathMode: 'netkit' } };
    expect(carryValues(risky, '1.18.14').items.some((i) => i.outcome === 'blocking')).toBe(false);
    const blocking = carryValues(risky, '1.20.2').items.filter((i) => i.outcome === 'blocking');
    expect(blocking).toHaveLength(1);
    expect(blocking[0]!.detail).toMatch(/^execution error at \(cilium\/templates\/[^)]+\): .*tproxy cannot be enabled/);
    expect(blocking[0]!.fix).toContain('bpf.tproxy');
  });
});
