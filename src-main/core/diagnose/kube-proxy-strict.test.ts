import { describe, expect, it } from 'vitest';
import { importPlan } from '../lab/plan/import/import-plan';
import { announcementReasons } from './l2-rules';
import { ciliumConfigMap, withKube } from './test-objects';

/** The live diagnosis and the import of a pasted helm command explain `strict` with one rule and one wording. */
describe('kubeProxyReplacement=strict, one rule', () => {
  const why =
    ': Cilium 1.15 accepts "strict" but does not enable kube-proxy replacement\'s features with it, so L2 announcements stay silent (cilium/cilium#32711); from 1.16 the chart refuses it (cilium/cilium#36131).';

  it('a live cluster whose Cilium config says strict', () => {
    const input = withKube((k) => (k.configMaps = [ciliumConfigMap({ 'kube-proxy-replacement': 'strict' })]));
    const found = announcementReasons(input.kube.services![0]!, input).find(
      (f) => f.code === 'kube-proxy-replacement-strict',
    );
    expect(found?.message).toBe(`kubeProxyReplacement is "strict"${why}`);
    expect(found?.fix).toContain('--set kubeProxyReplacement=true');
  });

  it('a pasted helm command that sets strict', () => {
    const { findings } = importPlan([
      {
        name: 'helm.txt',
        text: 'helm install cilium cilium/cilium --version 1.15.7 --namespace kube-system --set kubeProxyReplacement=strict',
      },
    ]);
    const found = findings.find((f) => f.code === 'kube-proxy-replacement-strict');
    expect(found?.message).toBe(`kubeProxyReplacement is "strict"${why}`);
    expect(found?.fix).toBe('Set kubeProxyReplacement=true, once.');
  });

  it('neither calls true or another value strict', () => {
    const input = withKube((k) => (k.configMaps = [ciliumConfigMap({ 'kube-proxy-replacement': 'true' })]));
    expect(announcementReasons(input.kube.services![0]!, input).map((f) => f.code)).not.toContain(
      'kube-proxy-replacement-strict',
    );
    const { findings } = importPlan([
      { name: 'helm.txt', text: 'helm install cilium cilium/cilium --set kubeProxyReplacement=true' },
    ]);
    expect(findings.map((f) => f.code)).not.toContain('kube-proxy-replacement-strict');
  });
});
