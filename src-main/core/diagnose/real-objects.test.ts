import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { KubeIpPool, KubeL2Policy, KubeLease, KubeService } from '../kube/kube-types';
import { announcementReasons, selectingPolicies } from './l2-rules';
import { lbCondition, pendingReasons, externalIPs } from './lb-ipam-rules';
import { poolFacts, poolOutsideDockerNetwork } from './pool-rules';
import { selectorMatches } from './selector';
import { healthy, node, service, withKube } from './test-objects';

/**
 * The rules against objects as real clusters and Cilium's docs print them
 * (`../shared/fixtures/real`), not as the lab's simulator writes them: a belief the
 * simulator and the product share (a condition name, the eligibility rule) cannot hide here.
 */
const real = (path: string) =>
  readFileSync(join(import.meta.dirname, '../../../../shared/fixtures/real', path), 'utf8').replace(
    /^# source:.*\n/,
    '',
  );
const yaml = (path: string) => parseYaml(real(path)) as unknown;

/** The `Conditions:` block of `kubectl describe`: "Message: / Reason: / Status: / Type:" groups. */
function describedConditions(text: string): { type: string; status: string; reason?: string; message?: string }[] {
  const conditions: { type: string; status: string; reason?: string; message?: string }[] = [];
  let current: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s+(Message|Reason|Status|Type):\s*(.*)$/.exec(line);
    if (!match) continue;
    current[match[1]!.toLowerCase()] = match[2]!.trim();
    if (match[1] === 'Type') {
      conditions.push({
        type: current.type!,
        status: current.status ?? '',
        ...(current.reason ? { reason: current.reason } : {}),
        ...(current.message ? { message: current.message } : {}),
      });
      current = {};
    }
  }
  return conditions;
}

describe('pools as Cilium reports them', () => {
  it('reads the IP counts of `kubectl describe ippools/blue-pool`', () => {
    const pool = KubeIpPool.parse({
      metadata: { name: 'blue-pool' },
      spec: { blocks: [{ cidr: '20.0.10.0/24' }] },
      status: {
        conditions: describedConditions(real('cilium-lb-ippool-yaml/DESCRIBE-cilium-docs-blue-pool-ip-counts.txt')),
      },
    });
    expect(poolFacts(pool)).toMatchObject({ total: 254, available: 254, used: 0, conflict: false });
  });

  it("a conflicting pool (red-pool) is the reason a service it selects stays <pending>, with Cilium's own message", () => {
    const conditions = describedConditions(real('cilium-lb-ippool-yaml/DESCRIBE-cilium-docs-red-pool-conflict.txt'));
    const red = KubeIpPool.parse({
      metadata: { name: 'red-pool' },
      spec: { blocks: [{ cidr: '20.0.10.0/24' }] },
      status: { conditions },
    });
    expect(poolFacts(red)).toMatchObject({
      conflict: true,
      conflictMessage: real('cilium-lb-ippool-yaml/JSONPATH-cilium-docs-poolconflict-message.txt').trim(),
    });
    const input = withKube((k) => ((k.pools = [red]), (k.services = [service('web', undefined)])));
    const findings = pendingReasons(input.kube.services![0]!, input);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'pool-conflict',
        message: expect.stringContaining("overlaps CIDR '20.0.10.0/24' from IP Pool 'blue-pool'"),
      }),
    ]);
  });

  it('mixed blocks (CIDR, IPv6, start/stop, a single start) give every range; outside the kind network is a finding', () => {
    const pool = KubeIpPool.parse(yaml('cilium-lb-ippool-yaml/SPEC-cilium-docs-blue-pool-v2alpha1-mixed-blocks.txt'));
    expect(poolFacts(pool).ranges).toEqual([
      '10.0.10.0/24',
      '2004::0/64',
      '20.0.20.100-20.0.20.200',
      '1.2.3.4-1.2.3.4',
    ]);
    expect(poolOutsideDockerNetwork(pool, healthy()).map((f) => f.code)).toEqual(['pool-outside-docker-network']);
  });
});

describe('services as the API server returns them', () => {
  it('the last of two same-type LB-IPAM conditions counts (cilium/cilium#24945)', () => {
    const conditions = JSON.parse(real('kubectl-get-svc-lb/JSON-cilium-docs-svc-status-conditions-duplicate-type.txt'));
    const svc = KubeService.parse({
      metadata: { name: 'x', namespace: 'default' },
      spec: { type: 'LoadBalancer' },
      status: { conditions },
    });
    expect(lbCondition(svc)).toMatchObject({ reason: 'satisfied', status: 'True' });
  });

  it("cilium-operator's no_pool condition (cilium/cilium#39805) is quoted when no other reason is known", () => {
    const patch = JSON.parse(
      `{${real('kubectl-get-svc-lb/JSON-audit-patch-svc-status-no_pool-empty-loadBalancer.txt')}}`,
    ).requestObject[0].value;
    const svc = KubeService.parse({
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'LoadBalancer' },
      status: patch,
    });
    expect(externalIPs(svc)).toEqual([]);
    const input = withKube((k) => (k.services = [svc]));
    expect(pendingReasons(svc, input)).toEqual([
      expect.objectContaining({
        code: 'lb-ipam-pending',
        message: expect.stringContaining(
          'There are no enabled CiliumLoadBalancerIPPools that match this service (no_pool)',
        ),
      }),
    ]);
  });

  it('a kind service with an ingress IP on the kind subnet parses, with its ports as objects', () => {
    const svc = KubeService.parse(
      yaml('kubectl-get-svc-lb/YAML-service-status-loadBalancer-ingress-kind-kube-ovn.txt'),
    );
    expect(externalIPs(svc)).toEqual(['172.18.0.11']);
    expect(svc.spec?.ports).toEqual([{ name: 'test', nodePort: 30056, port: 80, protocol: 'TCP', targetPort: 80 }]);
  });
});

describe('L2 policies and leases as published', () => {
  it('policy1 (no control-plane): selects the worker only; its interfaces match eth0', () => {
    const policy = KubeL2Policy.parse(yaml('cilium-l2-policy-yaml/policy1-v2alpha1-exclude-control-plane.txt'));
    const cp = node('demo-control-plane', { 'node-role.kubernetes.io/control-plane': '' });
    expect(selectorMatches(policy.spec?.nodeSelector, cp.metadata.labels!)).toBe(false);
    expect(selectorMatches(policy.spec?.nodeSelector, node('demo-worker').metadata.labels!)).toBe(true);
    const input = withKube((k) => (k.policies = [policy]));
    expect(announcementReasons(input.kube.services![0]!, input)).toEqual([]);
    const onlyControlPlane = withKube((k) => ((k.policies = [policy]), (k.nodes = [cp])));
    expect(announcementReasons(onlyControlPlane.kube.services![0]!, onlyControlPlane).map((f) => f.code)).toEqual([
      'policy-no-nodes',
    ]);
  });

  it("a NotIn selector without values selects nothing, and Cilium's bad-service-selector condition is a finding", () => {
    const text = real('cilium-l2-policy-yaml/DESCRIBE-cilium-docs-status-bad-service-selector.txt');
    const policy = KubeL2Policy.parse({
      metadata: { name: 'policy1' },
      spec: {
        loadBalancerIPs: true,
        serviceSelector: { matchExpressions: [{ key: 'something', operator: 'NotIn', values: [] }] },
      },
      status: { conditions: describedConditions(text) },
    });
    const input = withKube((k) => (k.policies = [policy]));
    const web = input.kube.services![0]!;
    expect(selectingPolicies(web, [policy])).toEqual([]);
    expect(announcementReasons(web, input).map((f) => f.code)).toEqual(['policy-bad-selector', 'no-l2-policy']);
  });

  it("the docs' lease: its holder is the claim; a holder whose container is gone is a finding", () => {
    const lease = KubeLease.parse(yaml('kubectl-get-leases/YAML-cilium-docs-lease-deathstar.txt'));
    expect(lease.spec).toMatchObject({
      holderIdentity: 'worker-node',
      leaseDurationSeconds: 3,
      renewTime: '2023-05-12T12:15:26.773020Z',
    });
    const input = withKube(
      (k) => (
        (k.leases = [lease]),
        (k.services = [{ ...service('deathstar', '172.18.250.9') }]),
        (k.endpointSlices = [
          {
            metadata: { name: 'd', namespace: 'default', labels: { 'kubernetes.io/service-name': 'deathstar' } },
            endpoints: [{}],
          },
        ])
      ),
    );
    input.topology!.nodes.push({ name: 'worker-node', state: 'exited', running: false });
    expect(announcementReasons(input.kube.services![0]!, input).map((f) => f.code)).toEqual(['lease-holder-stopped']);
  });
});
