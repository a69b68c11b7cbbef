import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tablesFile, tablesText, upstreamDir } from '../../../../scripts/upstream/generate-chart-tables';
import {
  chartHasValue,
  chartRefusals,
  chartTableFor,
  supportedChartMinors,
  unknownChartKeys,
  valuePaths,
} from './chart-keys';

const chartDir = join(upstreamDir(), 'cilium-chart');
const upstreamValues = (minor: string) => {
  const version = readdirSync(chartDir).find((v) => v.startsWith(`${minor}.`))!;
  return parse(readFileSync(join(chartDir, version, 'values.yaml'), 'utf8')) as Record<string, unknown>;
};

describe('generated chart tables', () => {
  it('are what the generator makes of ../shared/upstream now (run `npm run upstream:generate` when this fails)', () => {
    expect(existsSync(chartDir), `${chartDir} is missing: the upstream data must sit beside the clone`).toBe(true);
    expect(readFileSync(tablesFile, 'utf8')).toBe(tablesText());
  });

  it.each(supportedChartMinors)(
    'chart %s: every value of its values.yaml is accepted, a made-up one is not',
    (minor) => {
      const values = upstreamValues(minor);
      expect(valuePaths(values).length).toBeGreaterThan(500);
      expect(unknownChartKeys(values, `${minor}.99`)).toEqual([]);
      expect(unknownChartKeys({ l2announcements: { enabled: true, leaseDurationn: '3s' } }, `${minor}.0`)).toEqual([
        expect.objectContaining({
          path: 'l2announcements.leaseDurationn',
          replacement: 'l2announcements.leaseDuration',
          why: expect.stringMatching(
            new RegExp(
              `^chart ${minor}\\.0 has no such value: helm ignores it( \\(keys read from chart ${minor}\\.\\d+\\))?$`,
            ),
          ),
        }),
      ]);
    },
  );

  it.each(supportedChartMinors)('chart %s: a key picked at random from values.yaml survives', (minor) => {
    const paths = valuePaths(upstreamValues(minor));
    for (let i = 0; i < 20; i++) {
      const path = paths[Math.floor(Math.random() * paths.length)]!;
      expect(chartHasValue(`${minor}.0`, path), path).toBe(true);
    }
  });

  it('accepts anything under a map users fill freely, and what the templates read though values.yaml only comments it', () => {
    const values = {
      extraConfig: { 'any-agent-flag': 'x', nested: { deeper: 1 } },
      podAnnotations: { 'example.com/a': 'b' },
      nodeSelector: { 'kubernetes.io/hostname': 'n1' },
      resources: { limits: { cpu: '1' } },
      l2announcements: { enabled: true, leaseDuration: '3s', leaseRenewDeadline: '1s', leaseRetryPeriod: '500ms' },
      devices: ['eth0'],
    };
    for (const minor of supportedChartMinors) expect(unknownChartKeys(values, `${minor}.0`)).toEqual([]);
  });

  it('externalIPs.enabled and hostPort.enabled are not values of 1.18+ (helm ignores them)', () => {
    for (const minor of supportedChartMinors) {
      expect(chartHasValue(`${minor}.0`, 'externalIPs.enabled')).toBe(false);
      expect(unknownChartKeys({ hostPort: { enabled: true } }, `${minor}.0`)).toEqual([
        expect.objectContaining({ path: 'hostPort.enabled' }),
      ]);
    }
  });
});

describe('chartRefusals', () => {
  it.each([
    ['1.18.14', 'templates/cilium-configmap.yaml:82:5'],
    ['1.19.8', 'templates/cilium-configmap.yaml:79:5'],
    ['1.20.2', 'templates/cilium-configmap.yaml:79:5'],
    ['1.17.18', 'templates/cilium-configmap.yaml:73:5'],
    ['1.16.19', 'templates/cilium-configmap.yaml:71:5'],
  ])('kubeProxyReplacement=strict fails chart %s at %s', (version, position) => {
    expect(chartRefusals({ kubeProxyReplacement: 'strict' }, version)).toEqual([
      expect.objectContaining({
        position,
        helmError: `execution error at (cilium/${position}): kubeProxyReplacement must be explicitly set to a valid value (true or false) to continue.`,
        paths: ['kubeProxyReplacement'],
      }),
    ]);
    expect(chartRefusals({ kubeProxyReplacement: true }, version)).toEqual([]);
    expect(chartRefusals({ kubeProxyReplacement: 'false' }, version)).toEqual([]);
  });

  it('1.15 still takes strict', () => {
    expect(chartRefusals({ kubeProxyReplacement: 'strict' }, '1.15.19')).toEqual([]);
    expect(chartRefusals({ kubeProxyReplacement: 'nonsense' }, '1.15.19')).toHaveLength(1);
  });

  it.each(supportedChartMinors)(
    'chart %s: enableCiliumEndpointSlice true fails, false passes (the condition is truthiness)',
    (minor) => {
      const [refusal, ...rest] = chartRefusals({ enableCiliumEndpointSlice: true }, `${minor}.0`);
      expect(rest).toEqual([]);
      expect(refusal).toMatchObject({
        position: 'templates/validate.yaml:5:5',
        chartMessage: expect.stringMatching(
          /^enableCiliumEndpointSlice was deprecated in v1.16 and has been removed in v1.18/,
        ),
        fix: expect.stringMatching(/^Remove enableCiliumEndpointSlice/),
      });
      expect(chartRefusals({ enableCiliumEndpointSlice: false }, `${minor}.0`)).toEqual([]);
      expect(chartRefusals({ enableCiliumEndpointSlice: true }, '1.17.18')).toEqual([]);
    },
  );

  it('tunnel and containerRuntime.integration fail, they are not silently ignored', () => {
    expect(chartRefusals({ tunnel: 'vxlan' }, '1.18.0').map((r) => r.chartMessage)).toEqual([
      expect.stringMatching(/^tunnel was deprecated in v1.14/),
    ]);
    expect(chartRefusals({ containerRuntime: { integration: 'containerd' } }, '1.19.0')).toHaveLength(1);
  });

  it('evaluates conditions over the chart defaults merged with the values (helm coalescing)', () => {
    // hubble.enabled defaults to true: relay alone passes; switching hubble off fails.
    expect(chartRefusals({ hubble: { relay: { enabled: true } } }, '1.18.0')).toEqual([]);
    expect(chartRefusals({ hubble: { enabled: false, relay: { enabled: true } } }, '1.18.0')).toEqual([
      expect.objectContaining({ chartMessage: 'Hubble Relay requires .Values.hubble.enabled=true' }),
    ]);
    // Native routing without ipv4NativeRoutingCIDR: the 1.18 template reads
    // .Values.enableIPv4Masquerade itself, whose default is ~ (nil), so it refuses only when
    // masquerading is set true explicitly (by default the agent fails at start instead).
    expect(chartRefusals({ routingMode: 'native' }, '1.18.0')).toEqual([]);
    expect(chartRefusals({ routingMode: 'native', enableIPv4Masquerade: true }, '1.18.0')).toEqual([
      expect.objectContaining({ chartMessage: 'ipv4NativeRoutingCIDR must be set when routingMode is native' }),
    ]);
    expect(
      chartRefusals(
        { routingMode: 'native', enableIPv4Masquerade: true, ipv4NativeRoutingCIDR: '10.244.0.0/16' },
        '1.18.0',
      ),
    ).toEqual([]);
    expect(chartRefusals({ cluster: { name: 'Bad_Name' } }, '1.20.0').map((r) => r.position)).toEqual([
      'templates/validate.yaml:159:5',
    ]);
  });

  it('the chart defaults themselves trigger nothing', () => {
    for (const minor of ['1.15', '1.16', '1.17', ...supportedChartMinors])
      expect(chartRefusals({}, `${minor}.0`), minor).toEqual([]);
    expect(chartTableFor('1.14.0')).toBeUndefined();
  });
});
