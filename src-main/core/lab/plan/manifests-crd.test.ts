import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { admitManifest } from '../../../../e2e/lab/apiserver/crd-schema';
import { ciliumCrds } from '../../../../e2e/lab/helm/cilium-crds';
import { LabPlan } from '../../../contract';
import { supportedChartMinors } from './chart-keys';
import { ciliumReleaseFor } from '../../../contract/compat-table';
import { defaultPlan } from './plan';
import { renderL2Policy, renderPool } from './render';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Cilium's own CRDs (../shared/upstream/cilium-crds), as the lab's simulated chart installs them. */
const admit = admitManifest;

describe.each(supportedChartMinors)('chart %s: the manifests Kindscope writes pass Cilium’s CRD schemas', (minor) => {
  const version = ciliumReleaseFor(`${minor}.0`)!.version;
  const crds = ciliumCrds(version) as Obj[];
  const plan = LabPlan.parse({ ...defaultPlan('demo'), cilium: { ...defaultPlan('demo').cilium, version } });

  it('uses the upstream definitions (a real schema, not the lab’s open one)', () => {
    const pool = crds.find((c) => c.spec.names.kind === 'CiliumLoadBalancerIPPool')!;
    // v2alpha1 is deprecated in the upstream file (1.19's upgrade notes); 1.18 still served it undeprecated.
    expect(pool.spec.versions.map((v: Obj) => [v.name, v.served, v.storage, v.deprecated ?? false])).toEqual([
      ['v2', true, true, false],
      ['v2alpha1', true, false, minor !== '1.18'],
    ]);
    expect(pool.spec.versions[0].schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields']).toBeUndefined();
  });

  it('the pool and the L2 policy are admitted in Strict field validation, with no warning', () => {
    const pool = parse(renderPool(plan, '172.18.250.0/24')) as Obj;
    expect(pool.apiVersion).toBe('cilium.io/v2');
    expect(admit(crds, pool)).toEqual([]);
    expect(admit(crds, parse(renderL2Policy(plan)) as Obj)).toEqual([]);
    // Dual stack with an IPv6 block asked for: both blocks in one pool.
    const dual = LabPlan.parse({
      ...plan,
      cluster: { ...plan.cluster, ipFamily: 'dual' },
      pool: { ...plan.pool, ipv6Cidr: 'fd00:10:250::/112' },
    });
    expect(admit(crds, parse(renderPool(dual, '172.18.250.0/24')) as Obj)).toEqual([]);
  });

  it('a wrong field, a wrong enum value and a wrong apiVersion fail as on a real cluster', () => {
    const pool = parse(renderPool(plan, '172.18.250.0/24')) as Obj;
    expect(() => admit(crds, { ...pool, spec: { ...pool.spec, cidrs: [{ cidr: '10.0.0.0/24' }] } })).toThrow(
      'CiliumLoadBalancerIPPool in version "v2" cannot be handled as a CiliumLoadBalancerIPPool: strict decoding error: unknown field "spec.cidrs"',
    );
    // Without Strict the field is pruned, with a warning.
    expect(admit(crds, { ...pool, spec: { ...pool.spec, cidrs: [] } }, 'Warn')).toEqual(['unknown field "spec.cidrs"']);
    expect(() => admit(crds, { ...pool, spec: { ...pool.spec, allowFirstLastIPs: 'maybe' } })).toThrow(
      'CiliumLoadBalancerIPPool.cilium.io "lab-pool" is invalid: spec.allowFirstLastIPs: Unsupported value: "maybe": supported values: "Yes", "No"',
    );
    const policy = parse(renderL2Policy(plan)) as Obj;
    expect(() => admit(crds, { ...policy, apiVersion: 'cilium.io/v2' })).toThrow(/not served at cilium.io\/v2/);
    expect(() => admit(crds, { ...policy, spec: { ...policy.spec, interfaces: 'eth0' } })).toThrow(
      /spec\.interfaces: Invalid value: "string": spec\.interfaces in body must be of type array/,
    );
  });
});
