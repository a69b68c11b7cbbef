import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { LabPlan } from '../../../contract';
import { upstreamDir } from '../../../../scripts/upstream/generate-chart-tables';
import { chartHasValue, chartRefusals, supportedChartMinors, valuePaths } from './chart-keys';
import { ciliumReleaseFor } from '../../../contract/compat-table';
import { defaultPlan } from './plan';
import { parse } from 'yaml';
import { renderHelmValues, renderKindConfig, renderPool } from './render';
import { loadKindConfig } from '../../../../e2e/lab/kind/kind-config';

const chartDir = join(upstreamDir(), 'cilium-chart');
const schemaOf = (minor: string) => {
  const version = readdirSync(chartDir).find((v) => v.startsWith(`${minor}.`))!;
  return JSON.parse(readFileSync(join(chartDir, version, 'values.schema.json'), 'utf8')) as object;
};

describe.each(supportedChartMinors)('the default plan on chart %s', (minor) => {
  const version = ciliumReleaseFor(`${minor}.0`)!.version;
  const plan = (ipFamily: 'ipv4' | 'dual') =>
    LabPlan.parse({
      ...defaultPlan('demo'),
      cluster: { ...defaultPlan('demo').cluster, ipFamily },
      cilium: { ...defaultPlan('demo').cilium, version },
    });

  it.each(['ipv4', 'dual'] as const)(
    '%s: its values pass the chart schema, every key exists, no refusal triggers',
    (ipFamily) => {
      const values = renderHelmValues(plan(ipFamily));
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schemaOf(minor));
      expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
      expect(valuePaths(values).filter((path) => !chartHasValue(version, path))).toEqual([]);
      expect(chartRefusals(values, version)).toEqual([]);
    },
  );

  it('does not write externalIPs.enabled, a value 1.18+ does not have', () => {
    expect(renderHelmValues(plan('ipv4'))).not.toHaveProperty('externalIPs');
  });
});

describe('the schema check itself', () => {
  it('fails on a value of the wrong type (so the test above can fail)', () => {
    const validate = new Ajv({ strict: false }).compile(schemaOf('1.20'));
    expect(validate({ l2announcements: { enabled: 'yes' } })).toBe(false);
  });
});

describe('dual stack', () => {
  it('the kind config names both families (kind fills its dual defaults only when the fields are empty); Cilium gets IPv6', () => {
    const dual = LabPlan.parse({
      ...defaultPlan('demo'),
      cluster: { ...defaultPlan('demo').cluster, ipFamily: 'dual' },
    });
    const config = parse(renderKindConfig(dual)) as { networking: Record<string, string> };
    expect(config.networking).toMatchObject({
      ipFamily: 'dual',
      podSubnet: '10.244.0.0/16,fd00:10:244::/56',
      serviceSubnet: `${dual.cluster.serviceSubnet},fd00:10:96::/112`,
    });
    expect(renderHelmValues(dual)).toMatchObject({ ipv6: { enabled: true } });
    const single = parse(renderKindConfig(defaultPlan('demo'))) as { networking: Record<string, string> };
    expect(single.networking.podSubnet).toBe('10.244.0.0/16');
  });

  it('the pool is the carved IPv4 block, and an IPv6 block only when the plan asks for one', () => {
    const dual = (ipv6Cidr?: string) =>
      LabPlan.parse({
        ...defaultPlan('demo'),
        cluster: { ...defaultPlan('demo').cluster, ipFamily: 'dual' },
        pool: { ...defaultPlan('demo').pool, ...(ipv6Cidr ? { ipv6Cidr } : {}) },
      });
    const blocks = (plan: LabPlan) =>
      (parse(renderPool(plan, '172.18.250.0/24')) as { spec: { blocks: unknown } }).spec.blocks;
    expect(blocks(dual())).toEqual([{ cidr: '172.18.250.0/24' }]);
    expect(blocks(dual('fd00:10:250::/112'))).toEqual([{ cidr: '172.18.250.0/24' }, { cidr: 'fd00:10:250::/112' }]);
  });
});

describe("kind's own defaults", () => {
  it.each(['ipv4', 'dual'] as const)(
    '%s: the default plan writes the subnets kind fills itself when they are empty (service /16, not kubeadm /12)',
    (ipFamily) => {
      const plan = LabPlan.parse({ cluster: { name: 'demo', ipFamily } });
      const written = (parse(renderKindConfig(plan)) as { networking: Record<string, string> }).networking;
      // The lab's kind defaults as kind's pkg/apis/config/v1alpha4/default.go does.
      const kindFills = loadKindConfig(
        `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  ipFamily: ${ipFamily}\n`,
        {},
      ).networking;
      expect({ pod: written.podSubnet, service: written.serviceSubnet }).toEqual({
        pod: kindFills.podSubnet,
        service: kindFills.serviceSubnet,
      });
    },
  );
});
