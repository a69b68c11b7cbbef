/**
 * Any Kubernetes object as JSON. The lab server stores and serves arbitrary resources
 * (built-ins and CRDs) without typed models, so field access is dynamic by design.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any>;
