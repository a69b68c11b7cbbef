import { describe, expect, it } from 'vitest';
import type { FindingCode } from '../../contract';
import type { KubeSnapshot } from '../kube/kube-state';
import { KubeService } from '../kube/kube-types';
import { ciliumState, clusterRules } from './cilium-rules';
import type { DiagnoseInput } from './diagnose-input';
import { announcementReasons } from './l2-rules';
import { pendingReasons } from './lb-ipam-rules';
import { poolOverlaps, poolRules } from './pool-rules';
import { ciliumConfigMap, healthy, agentPod, pool, policy, service, withKube } from './test-objects';

const web = (input: DiagnoseInput) => input.kube.services![0]!;
const serviceCodes = (input: DiagnoseInput) =>
  [...pendingReasons(web(input), input), ...announcementReasons(web(input), input)].map((f) => f.code);
const clusterCodes = (input: DiagnoseInput) => clusterRules.flatMap((rule) => rule(input)).map((f) => f.code);
const poolCodes = (input: DiagnoseInput) =>
  input.kube.pools!.flatMap((p) => poolRules.flatMap((rule) => rule(p, input))).map((f) => f.code);
const pending = (input: DiagnoseInput) => withKube((k) => (k.services = [service('web', undefined)]), input);

describe('a healthy cluster has no finding', () => {
  it('service, cluster and pool rules are all silent', () => {
    expect(serviceCodes(healthy())).toEqual([]);
    expect(clusterCodes(healthy())).toEqual([]);
    expect(poolCodes(healthy())).toEqual([]);
    expect(ciliumState(healthy())).toBe('installed');
  });
});

// Each row changes one thing of a healthy cluster and names the one finding it causes.
const serviceTable: [string, DiagnoseInput, FindingCode[]][] = [
  [
    'Cilium not installed, IP pending',
    pending(withKube((k) => ((k.configMaps = []), (k.daemonSets = [])))),
    ['lb-ipam-not-running'],
  ],
  ['no pool', pending(withKube((k) => (k.pools = []))), ['no-pool']],
  [
    'no pool selects the service',
    pending(
      withKube(
        (k) => (k.pools = [pool('p', '172.18.250.0/24', { serviceSelector: { matchLabels: { team: 'red' } } })]),
      ),
    ),
    ['no-pool-matches'],
  ],
  [
    'the matching pool is disabled',
    pending(withKube((k) => (k.pools = [pool('p', '172.18.250.0/24', { disabled: true })]))),
    ['pool-disabled'],
  ],
  [
    'the matching pool conflicts',
    pending(
      withKube(
        (k) =>
          (k.pools = [
            pool('p', '172.18.250.0/24', {}, [{ type: 'cilium.io/PoolConflict', status: 'True', message: 'overlaps' }]),
          ]),
      ),
    ),
    ['pool-conflict'],
  ],
  [
    'the matching pool is exhausted',
    pending(
      withKube(
        (k) =>
          (k.pools = [
            pool('p', '172.18.250.0/30', {}, [{ type: 'cilium.io/IPsAvailable', status: 'Unknown', message: '0' }]),
          ]),
      ),
    ),
    ['pool-exhausted'],
  ],
  ['pending for no known reason', pending(healthy()), ['lb-ipam-pending']],
  [
    'Cilium not installed, IP from elsewhere',
    withKube((k) => ((k.configMaps = []), (k.daemonSets = []))),
    ['cilium-not-installed'],
  ],
  [
    'kubeProxyReplacement strict',
    withKube((k) => (k.configMaps = [ciliumConfigMap({ 'kube-proxy-replacement': 'strict' })])),
    ['kube-proxy-replacement-strict'],
  ],
  [
    'kubeProxyReplacement off',
    withKube((k) => (k.configMaps = [ciliumConfigMap({ 'kube-proxy-replacement': 'false' })])),
    ['kube-proxy-replacement-off'],
  ],
  [
    'L2 announcements off',
    withKube((k) => (k.configMaps = [ciliumConfigMap({ 'enable-l2-announcements': 'false' })])),
    ['l2-announcements-disabled'],
  ],
  ['no L2 policy', withKube((k) => ((k.policies = []), (k.leases = []))), ['no-l2-policy']],
  [
    'the policy selects no node',
    withKube((k) => (k.policies = [policy('l2', { nodeSelector: { matchLabels: { zone: 'nowhere' } } })])),
    ['policy-no-nodes'],
  ],
  [
    'the policy names no device of the nodes',
    withKube((k) => (k.policies = [policy('l2', { interfaces: ['^enp.*'] })])),
    ['policy-interfaces'],
  ],
  ['nobody holds the lease', withKube((k) => (k.leases = [])), ['no-lease']],
  ['no ready endpoints', withKube((k) => (k.endpointSlices = [])), ['no-ready-endpoints']],
  [
    'externalTrafficPolicy Local',
    withKube((k) => (k.services = [service('web', '172.18.250.1', { externalTrafficPolicy: 'Local' })])),
    ['etp-local'],
  ],
  [
    'the IP is outside the Docker networks',
    withKube((k) => (k.services = [service('web', '10.99.0.1')])),
    ['vip-outside-docker-network'],
  ],
];

// Issue 26 item 5: the eTP=Local rule follows the installed Cilium (cilium-config's cilium-version).
const onCilium = (version: string, change: (k: KubeSnapshot) => void = () => undefined) =>
  withKube((k) => {
    k.configMaps = [ciliumConfigMap({ 'cilium-version': version })];
    k.services = [service('web', '172.18.250.1', { externalTrafficPolicy: 'Local' })];
    change(k);
  });
const endpointsOn =
  (...nodes: (string | undefined)[]) =>
  (k: KubeSnapshot) =>
    (k.endpointSlices = [
      {
        metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
        endpoints: nodes.map((nodeName) => ({ conditions: { ready: true }, ...(nodeName ? { nodeName } : {}) })),
      },
    ]);
const versionTable: [string, DiagnoseInput, FindingCode[], RegExp?][] = [
  [
    '1.20.2, endpoints without a node name (Gateway API placeholder): no lease at all',
    onCilium('1.20.2', endpointsOn(undefined)),
    ['etp-local-no-node-name'],
    /cilium\/cilium#46399.*cilium\/cilium#48799/,
  ],
  ['1.20.2, endpoints on nodes: only such nodes take the lease', onCilium('1.20.2', endpointsOn('demo-worker')), []],
  [
    '1.20.2 read from the agent image when the ConfigMap does not say it',
    onCilium('1.20.2', (k) => {
      endpointsOn(undefined)(k);
      k.configMaps = [ciliumConfigMap()];
      k.daemonSets = [
        {
          metadata: { name: 'cilium', namespace: 'kube-system' },
          spec: {
            template: {
              spec: { containers: [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.20.2@sha256:0' }] },
            },
          },
          status: { numberReady: 2, desiredNumberScheduled: 2 },
        },
      ];
    }),
    ['etp-local-no-node-name'],
  ],
  [
    '1.20.1, the holder has no local endpoint: dropped',
    onCilium('1.20.1', endpointsOn('demo-worker2')),
    ['etp-local'],
    /lease holder demo-worker has no local endpoint.*cilium\/cilium#27800/,
  ],
  ['1.19.8, the holder has a local endpoint: served', onCilium('1.19.8', endpointsOn('demo-worker')), []],
  [
    '1.18.14, endpoints without node names: the holder may lack one',
    onCilium('1.18.14', endpointsOn(undefined)),
    ['etp-local'],
    /only a node with a local endpoint may answer/,
  ],
];

describe('externalTrafficPolicy: Local, by the installed Cilium version', () => {
  it.each(versionTable)('%s', (_, input, codes, message) => {
    const findings = announcementReasons(web(input), input);
    expect(findings.map((f) => f.code)).toEqual(codes);
    if (message) expect(findings[0]!.message).toMatch(message);
    if (codes.length) expect(findings[0]!.fix).toContain('externalTrafficPolicy');
  });
});

describe('an LB-IPAM sharing key on an L2-announced service (cilium/cilium#48419)', () => {
  const shared = (key: string | undefined, otherIp = '172.18.250.1') =>
    withKube((k) => {
      k.services = [
        {
          ...service('web', '172.18.250.1'),
          metadata: {
            name: 'web',
            namespace: 'default',
            labels: {},
            ...(key ? { annotations: { 'lbipam.cilium.io/sharing-key': key } } : {}),
          },
        },
        {
          ...service('dns', otherIp),
          metadata: {
            name: 'dns',
            namespace: 'default',
            labels: {},
            ...(key ? { annotations: { 'lbipam.cilium.io/sharing-key': key } } : {}),
          },
        },
      ];
      k.leases!.push({
        metadata: { name: 'cilium-l2announce-default-dns', namespace: 'kube-system' },
        spec: { holderIdentity: 'demo-worker2' },
      });
    });
  it('two services on one IP through the key: two nodes may answer, with the fix', () => {
    const findings = announcementReasons(web(shared('k')), shared('k'));
    expect(findings.map((f) => f.code)).toEqual(['lb-ipam-sharing-key-l2']);
    expect(findings[0]!.message).toContain('held by demo-worker and demo-worker2');
    expect(findings[0]!.fix).toContain('remove the lbipam.cilium.io/sharing-key annotation');
  });
  it('no key, or a key but no other service on the IP: nothing', () => {
    expect(announcementReasons(web(shared(undefined)), shared(undefined)).map((f) => f.code)).toEqual([]);
    const alone = shared('k', '172.18.250.2');
    expect(announcementReasons(web(alone), alone).map((f) => f.code)).toEqual([]);
  });
  it('the key survives the Service reader (other annotations are dropped)', () => {
    const parsed = KubeService.parse({
      metadata: { name: 'web', annotations: { 'lbipam.cilium.io/sharing-key': 'k', 'other/thing': 'x' } },
    });
    expect(parsed.metadata.annotations).toEqual({ 'lbipam.cilium.io/sharing-key': 'k' });
  });
});

describe('service rules: one cause each', () => {
  it.each(serviceTable)('%s', (_, input, codes) => expect(serviceCodes(input)).toEqual(codes));

  it('the lease holder whose container stopped', () => {
    const input = healthy();
    input.topology!.nodes[1] = { name: 'demo-worker', state: 'exited', running: false };
    expect(serviceCodes(input)).toEqual(['lease-holder-stopped']);
    expect(clusterCodes(input)).toEqual(['node-container-stopped']);
  });

  it('a paused holder is down too (Docker says Running for a paused container)', () => {
    const input = healthy();
    input.topology!.nodes[1] = { name: 'demo-worker', state: 'paused', running: true };
    expect(serviceCodes(input)).toEqual(['lease-holder-stopped']);
    expect(clusterRules.flatMap((rule) => rule(input))).toEqual([
      expect.objectContaining({ code: 'node-container-stopped', fix: 'docker unpause demo-worker' }),
    ]);
  });

  it('the fix names the real context and selector, not an ellipsis', () => {
    const input = withKube((k) => (k.endpointSlices = []));
    const finding = announcementReasons(web(input), input).find((f) => f.code === 'no-ready-endpoints')!;
    expect(finding.fix).toBe('kubectl --context kind-demo get pods -n default -l app=web');
  });
});

// Each row: a cluster where one finding depends on one resource; with that resource not
// listed yet, the finding must go, and no other may take its place.
const unknowns: [string, DiagnoseInput, FindingCode, (k: KubeSnapshot) => void][] = [
  [
    'config maps',
    withKube((k) => (k.configMaps = [ciliumConfigMap({ 'enable-l2-announcements': 'false' })])),
    'l2-announcements-disabled',
    (k) => delete k.configMaps,
  ],
  [
    'daemon sets',
    withKube((k) => ((k.configMaps = []), (k.daemonSets = []))),
    'cilium-not-installed',
    (k) => delete k.daemonSets,
  ],
  ['pools', pending(withKube((k) => (k.pools = []))), 'no-pool', (k) => delete k.pools],
  ['policies', withKube((k) => ((k.policies = []), (k.leases = []))), 'no-l2-policy', (k) => delete k.policies],
  ['leases', withKube((k) => (k.leases = [])), 'no-lease', (k) => delete k.leases],
  ['endpoint slices', withKube((k) => (k.endpointSlices = [])), 'no-ready-endpoints', (k) => delete k.endpointSlices],
  [
    'nodes',
    withKube((k) => (k.policies = [policy('l2', { nodeSelector: { matchLabels: { zone: 'nowhere' } } })])),
    'policy-no-nodes',
    (k) => delete k.nodes,
  ],
  ['pods', withKube((k) => (k.pods = [agentPod('demo-control-plane')])), 'agent-not-ready', (k) => delete k.pods],
];

describe('unknown inputs yield no finding', () => {
  it.each(unknowns)('with %s not listed yet', (_, input, code, forget) => {
    const before = serviceCodes(input).concat(clusterCodes(input));
    expect(before).toContain(code);
    forget(input.kube);
    const after = serviceCodes(input).concat(clusterCodes(input));
    expect(after).not.toContain(code);
    for (const other of after) expect(before).toContain(other);
  });

  it('with nothing listed at all and no topology there is no finding of any kind', () => {
    const input: DiagnoseInput = { context: 'kind-demo', kube: { absent: [] } };
    expect(ciliumState(input)).toBe('unknown');
    expect(clusterCodes(input)).toEqual([]);
    expect(serviceCodes({ ...input, kube: { absent: [], services: [service('web', undefined)] } })).toEqual([]);
    expect(serviceCodes({ ...input, kube: { absent: [], services: [service('web', '172.18.250.1')] } })).toEqual([]);
  });

  it('without the topology, no Docker-network or container finding', () => {
    const input = withKube((k) => (k.services = [service('web', '10.99.0.1')]));
    delete input.topology;
    expect(serviceCodes(input)).toEqual([]);
    expect(
      poolCodes(
        withKube((k) => (k.pools = [pool('far', '10.99.0.0/24')]), {
          ...healthy(),
          topology: undefined,
        } as DiagnoseInput),
      ),
    ).toEqual([]);
  });
});

describe('cluster and pool rules', () => {
  it('Cilium missing (a 404 on its CRDs, no config, no agents) is one finding with the helm command', () => {
    const input = withKube(
      (k) => (
        (k.configMaps = []),
        (k.daemonSets = []),
        delete k.pools,
        delete k.policies,
        (k.absent = ['pools', 'policies'])
      ),
    );
    const findings = clusterRules.flatMap((rule) => rule(input));
    expect(findings.map((f) => f.code)).toEqual(['cilium-not-installed']);
    expect(findings[0]!.fix).toContain('--kube-context kind-demo');
  });

  it('installed, but the pool CRD is not served yet', () => {
    expect(clusterCodes(withKube((k) => (delete k.pools, (k.absent = ['pools']))))).toEqual(['cilium-crd-missing']);
  });

  it('agents not ready, restarted; CoreDNS not ready', () => {
    const input = withKube(
      (k) =>
        (k.pods = [
          agentPod('demo-control-plane', true, 2),
          {
            metadata: { name: 'coredns-1', labels: { 'k8s-app': 'kube-dns' } },
            status: { conditions: [{ type: 'Ready', status: 'False' }] },
          },
        ]),
    );
    expect(clusterCodes(input)).toEqual(['agent-not-ready', 'coredns-not-ready', 'agent-restarts']);
  });

  it("a pool outside the Docker networks; a pool overlapping another cluster's", () => {
    expect(poolCodes(withKube((k) => (k.pools = [pool('far', '10.99.0.0/24')])))).toEqual([
      'pool-outside-docker-network',
    ]);
    expect(
      poolOverlaps({
        ...healthy(),
        otherPools: [{ cluster: 'other', name: 'copied', ranges: ['172.18.250.0/25'] }],
      }).map((f) => f.code),
    ).toEqual(['pool-overlap-other-cluster']);
    expect(
      poolOverlaps({ ...healthy(), otherPools: [{ cluster: 'other', name: 'apart', ranges: ['172.18.251.0/24'] }] }),
    ).toEqual([]);
  });
});
