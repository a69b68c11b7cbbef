import type { LabelSelector } from '../kube/kube-types';

/**
 * Kubernetes label-selector semantics (k8s.io/apimachinery pkg/labels/selector.go): every
 * matchLabels pair and every expression must hold; an absent selector selects everything.
 * `In`/`NotIn` with no values is invalid there (the selector fails to build) and selects
 * nothing here — Cilium reports such a policy with a bad-selector condition.
 */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string | undefined>,
): boolean {
  if (!selector) return true;
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const expressions = (selector.matchExpressions ?? []).every((expression) => {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        return values.length > 0 && value !== undefined && values.includes(value);
      case 'NotIn':
        return values.length > 0 && (value === undefined || !values.includes(value));
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  return pairs && expressions;
}

/** `-l` for kubectl from a service's selector (`app=web,tier=front`). */
export function selectorArgument(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
