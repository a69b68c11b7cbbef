/**
 * What a condition evaluates to on values: text/template's evaluation of a parsed pipeline,
 * with the chart's own template variables (`$kubeProxyReplacement`, `$ipam`) as
 * cilium-configmap.yaml defines them.
 */
import { TemplateUnsupported, type Node, type Values } from './template-syntax.ts';
import {
  coalesce,
  compare,
  dig,
  empty,
  equal,
  kindOf,
  semverCompare,
  toInt,
  toString,
  truth,
} from './template-functions.ts';

/** What each supported chart template variable is, as cilium-configmap.yaml defines it. */
// cilium/cilium install/kubernetes/cilium/templates/cilium-configmap.yaml (read at
// 002c6fff; the same definitions at 1.16–1.20):
//   $stringValueKPR := (toString .Values.kubeProxyReplacement), "<nil>" → ""
//   $kubeProxyReplacement := (coalesce $stringValueKPR $defaultKubeProxyReplacement)   ("false")
//   $ipam := (coalesce .Values.ipam.mode $defaultIPAM); if .Values.eni.enabled → "eni"   ("cluster-pool")
export const templateVariables: Record<string, { reads: string[]; value: (values: Values) => unknown }> = {
  kubeProxyReplacement: {
    reads: ['kubeProxyReplacement'],
    value: (values) => {
      const raw = toString(values.kubeProxyReplacement);
      return coalesce(raw === '<nil>' ? '' : raw, 'false');
    },
  },
  ipam: {
    reads: ['ipam.mode', 'eni.enabled'],
    value: (values) =>
      truth(dig(values, ['eni', 'enabled'])) ? 'eni' : coalesce(dig(values, ['ipam', 'mode']), 'cluster-pool'),
  },
};

export interface Scope {
  values: Values;
}

export function evalNode(node: Node, scope: Scope): unknown {
  switch (node.kind) {
    case 'lit':
      return node.value;
    case 'field': {
      if (node.root === 'Values') return node.path[0] === 'AsMap' ? scope.values : dig(scope.values, node.path);
      if (node.root === 'Capabilities')
        throw new TemplateUnsupported("depends on the cluster's API versions, which helm asks the API server for");
      if (node.root === 'Release') throw new TemplateUnsupported('depends on the release (its namespace or name)');
      throw new TemplateUnsupported(`reads .${node.root}, the element of a range loop the data does not record`);
    }
    case 'var': {
      const variable = templateVariables[node.name];
      if (!variable)
        throw new TemplateUnsupported(`uses the template variable $${node.name}, which the data does not define`);
      return dig(variable.value(scope.values), node.path);
    }
    case 'ident':
      return call(node.name, [], scope);
    case 'pipe': {
      let result: unknown;
      node.commands.forEach((command, i) => {
        const piped = i > 0 ? [{ kind: 'lit', value: result } as Node] : [];
        result = evalCommand([...command, ...piped], scope);
      });
      return node.path.length ? dig(result, node.path) : result;
    }
  }
}

function evalCommand(command: Node[], scope: Scope): unknown {
  const [head, ...args] = command;
  if (!head) throw new TemplateUnsupported('empty command');
  if (head.kind === 'ident') return call(head.name, args, scope);
  if (args.length) throw new TemplateUnsupported('arguments to a non-function');
  return evalNode(head, scope);
}

export function call(name: string, argNodes: Node[], scope: Scope): unknown {
  const lazy = (i: number) => evalNode(argNodes[i]!, scope);
  if (name === 'and') {
    let last: unknown = true;
    for (let i = 0; i < argNodes.length; i++) if (!truth((last = lazy(i)))) return last;
    return last;
  }
  if (name === 'or') {
    let last: unknown = false;
    for (let i = 0; i < argNodes.length; i++) if (truth((last = lazy(i)))) return last;
    return last;
  }
  if (name === 'include') {
    const template = argNodes[0]?.kind === 'lit' ? String(argNodes[0].value) : '?';
    throw new TemplateUnsupported(
      template === 'cilium.namespace'
        ? 'depends on the release namespace (helper "cilium.namespace")'
        : `calls the chart's helper template "${template}", which the data does not carry`,
    );
  }
  const args = argNodes.map((_, i) => lazy(i));
  const [a, b, c] = args;
  switch (name) {
    case 'not':
      return !truth(a);
    case 'eq':
      return args.slice(1).some((other) => equal(a, other));
    case 'ne':
      return !equal(a, b);
    case 'lt':
      return compare(a, b) < 0;
    case 'le':
      return compare(a, b) <= 0;
    case 'gt':
      return compare(a, b) > 0;
    case 'ge':
      return compare(a, b) >= 0;
    case 'int':
      return toInt(a);
    case 'toString':
      return toString(a);
    case 'default':
      return empty(b) ? a : b;
    case 'coalesce':
      return coalesce(...args);
    case 'len':
      return typeof a === 'string' || Array.isArray(a)
        ? a.length
        : a && typeof a === 'object'
          ? Object.keys(a).length
          : 0;
    case 'hasKey':
      return !!a && typeof a === 'object' && !Array.isArray(a) && Object.hasOwn(a, String(b));
    case 'dig': {
      const map = args.at(-1);
      const fallback = args.at(-2);
      const found = dig(map, args.slice(0, -2).map(String));
      return found === undefined ? fallback : found;
    }
    case 'list':
      return args;
    case 'has':
      return Array.isArray(b) && b.some((item) => equal(item, a));
    case 'kindIs':
      return kindOf(b) === a;
    case 'regexMatch':
      return new RegExp(String(a)).test(String(b ?? ''));
    case 'regexReplaceAll':
      return String(b ?? '').replace(new RegExp(String(a), 'g'), String(c ?? ''));
    case 'trimPrefix':
      return String(b ?? '').startsWith(String(a)) ? String(b).slice(String(a).length) : String(b ?? '');
    case 'semverCompare':
      return semverCompare(String(a), String(b ?? ''));
    case 'lower':
      return String(a ?? '').toLowerCase();
    default:
      throw new TemplateUnsupported(`uses the template function ${name}, which this reader does not implement`);
  }
}

export const knownFunctions = new Set(
  'and or not eq ne lt le gt ge int toString default coalesce len hasKey dig list has kindIs regexMatch regexReplaceAll trimPrefix semverCompare lower'.split(
    ' ',
  ),
);
