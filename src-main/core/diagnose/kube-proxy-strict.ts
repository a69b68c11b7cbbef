/**
 * `kubeProxyReplacement: strict`, one rule with one wording, for a live cluster's Cilium
 * config (the L2 diagnosis) and for a pasted helm command (the lab import). Cilium 1.15
 * takes `strict` but no longer enables the replacement's features with it, so L2
 * announcements stay silent (cilium/cilium#32711); the 1.16+ chart refuses it
 * (cilium/cilium#36131).
 */
export const kubeProxyStrict = {
  code: 'kube-proxy-replacement-strict',
  /** Whether a kubeProxyReplacement value (helm's `--set` text or the ConfigMap's) is the old `strict`. */
  is: (value: unknown): boolean => value === 'strict',
  /** What to set instead. */
  set: 'kubeProxyReplacement=true',
  /** The finding's message: `subject` says where the value comes from and that it is "strict". */
  message: (subject: string): string =>
    `${subject}: Cilium 1.15 accepts "strict" but does not enable kube-proxy replacement's ` +
    'features with it, so L2 announcements stay silent (cilium/cilium#32711); ' +
    'from 1.16 the chart refuses it (cilium/cilium#36131).',
} as const;
