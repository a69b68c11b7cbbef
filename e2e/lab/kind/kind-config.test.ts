import { describe, expect, it } from 'vitest';
import { KindConfigError, kubernetesVersionOf, loadKindConfig } from './kind-config.ts';
import { ulaSubnetFor } from './kind-network.ts';

const seed = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: worker
- role: worker
networking:
  disableDefaultCNI: true
  kubeProxyMode: none
`;

describe('kind config, as kind reads it', () => {
  it('reads the seed article config with kind defaults', () => {
    const config = loadKindConfig(seed, { name: 'demo' });
    expect(config.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker']);
    expect(config.networking).toMatchObject({
      disableDefaultCNI: true,
      kubeProxyMode: 'none',
      podSubnet: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/16',
      apiServerAddress: '127.0.0.1',
      ipFamily: 'ipv4',
    });
    expect(config.nodes[0]!.image).toBe('kindest/node:v1.33.1');
  });

  it.each([
    [seed.replace('v1alpha4', 'v1alpha3'), 'unknown apiVersion: kind.x-k8s.io/v1alpha3'],
    [seed.replace('kubeProxyMode: none', 'kubeProxyMode: bpf'), 'invalid kubeProxyMode: bpf'],
    [seed.replace('kubeProxyMode: none', 'podSubnet: 10.244.0.0/33'), 'invalid pod subnet'],
    [
      seed.replace('kubeProxyMode: none', 'ipFamily: ipv6\n  podSubnet: 10.244.0.0/16'),
      'expected IPv6 CIDR for IPv6 family',
    ],
    [seed.replace('- role: control-plane\n', ''), 'must have at least one control-plane node'],
    [seed.replace('- role: worker\n- role: worker', '- role: master'), '"master" is not a valid node role'],
    [seed.replace('disableDefaultCNI', 'disableDefaultCni'), 'unknown field "networking.disableDefaultCni"'],
  ])("rejects a wrong config with kind's message (%#)", (text, message) => {
    expect(() => loadKindConfig(text, { name: 'demo' })).toThrow(KindConfigError);
    expect(() => loadKindConfig(text, { name: 'demo' })).toThrow(message);
  });

  it('rejects a cluster name kind rejects', () => {
    expect(() => loadKindConfig(seed, { name: 'Demo_1' })).toThrow("'Demo_1' is not a valid cluster name");
  });

  it('takes the Kubernetes version from the node image', () => {
    expect(kubernetesVersionOf('kindest/node:v1.29.2@sha256:abc')).toBe('v1.29.2');
  });

  it('derives the kind network ULA as kind does', () => {
    expect(ulaSubnetFor('kind')).toBe('fc00:f853:ccd:e793::/64');
  });
});
