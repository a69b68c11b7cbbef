/**
 * The conditions around each `fail` in the Cilium chart's templates, evaluated on values as
 * helm's template engine does (Go text/template with sprig). The conditions are the text of
 * `refusals.tsv` in ../shared/upstream/cilium-chart/<version>/: enclosing `if`s, outermost
 * first, joined by ` && `; an `else if` branch is prefixed `(not previous branch)`.
 *
 * Self-contained (no imports) so that both the product (plan, importer) and the test lab's
 * helm stand-in (run by node directly) evaluate the same data the same way: the data is the
 * judge, this is only its reader.
 *
 * Semantics followed: text/template's `and`/`or` return an operand and short-circuit,
 * `not`/`if` use "truth" (false, 0, nil, empty string/list/map are false); a missing map key
 * reads as nil; sprig's `default`/`coalesce` treat the same "empty" values as absent.
 */

export type Values = Record<string, unknown>;

/** A construct the data does not let us evaluate: the reason is shown as "not enforced". */
export class TemplateUnsupported extends Error {}

/**
 * A template function failed on these values (sprig's semverCompare on a tag that is no
 * version): helm fails the render with it, before or instead of the `fail`.
 */
export class TemplateError extends Error {}

/** What each supported chart template variable is, as cilium-configmap.yaml defines it. */
// cilium/cilium install/kubernetes/cilium/templates/cilium-configmap.yaml (read at
// 002c6fff; the same definitions at 1.16–1.20):
//   $stringValueKPR := (toString .Values.kubeProxyReplacement), "<nil>" → ""
//   $kubeProxyReplacement := (coalesce $stringValueKPR $defaultKubeProxyReplacement)   ("false")
//   $ipam := (coalesce .Values.ipam.mode $defaultIPAM); if .Values.eni.enabled → "eni"   ("cluster-pool")
const templateVariables: Record<string, { reads: string[]; value: (values: Values) => unknown }> = {
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

type Node =
  | { kind: 'field'; root: string; path: string[] }
  | { kind: 'var'; name: string; path: string[] }
  | { kind: 'lit'; value: unknown }
  | { kind: 'ident'; name: string }
  | { kind: 'pipe'; commands: Node[][]; path: string[] };

// ---------------------------------------------------------------- tokens and parsing

/** `afterParen`: the word follows `)` with no space: `(expr).field`. */
type Token = { t: '(' | ')' | '|' } | { t: 'str'; v: string } | { t: 'word'; v: string; afterParen: boolean };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === '|') {
      tokens.push({ t: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          const next = text[j + 1]!;
          s += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          j += 2;
        } else s += text[j++];
      }
      tokens.push({ t: 'str', v: s });
      i = j + 1;
    } else if (c === '`') {
      const j = text.indexOf('`', i + 1);
      tokens.push({ t: 'str', v: text.slice(i + 1, j) });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()|"]/.test(text[j]!)) j++;
      tokens.push({ t: 'word', v: text.slice(i, j), afterParen: text[i - 1] === ')' });
      i = j;
    }
  }
  return tokens;
}

function parsePipeline(tokens: Token[], pos: { i: number }): Node {
  const commands: Node[][] = [[]];
  while (pos.i < tokens.length) {
    const token = tokens[pos.i]!;
    if (token.t === ')') break;
    pos.i++;
    if (token.t === '|') commands.push([]);
    else if (token.t === '(') {
      const inner = parsePipeline(tokens, pos);
      if (tokens[pos.i]?.t !== ')') throw new TemplateUnsupported('unbalanced parentheses');
      pos.i++;
      // `(expr).field`
      const after = tokens[pos.i];
      if (after && after.t === 'word' && after.afterParen && after.v.startsWith('.') && inner.kind === 'pipe') {
        inner.path.push(...after.v.slice(1).split('.'));
        pos.i++;
      }
      commands.at(-1)!.push(inner);
    } else if (token.t === 'str') commands.at(-1)!.push({ kind: 'lit', value: token.v });
    else if (token.t === 'word') commands.at(-1)!.push(word(token.v));
  }
  return { kind: 'pipe', commands, path: [] };
}

function word(text: string): Node {
  if (text === 'true' || text === 'false') return { kind: 'lit', value: text === 'true' };
  if (text === 'nil') return { kind: 'lit', value: null };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { kind: 'lit', value: Number(text) };
  if (text === '.') return { kind: 'field', root: '.', path: [] };
  if (text.startsWith('.')) {
    const [root, ...path] = text.slice(1).split('.');
    return { kind: 'field', root: root!, path };
  }
  if (text.startsWith('$')) {
    const [name, ...path] = text.slice(1).split('.');
    return { kind: 'var', name: name!, path };
  }
  return { kind: 'ident', name: text };
}

export function parseCondition(text: string): Node {
  const tokens = tokenize(text);
  const pos = { i: 0 };
  const node = parsePipeline(tokens, pos);
  if (pos.i !== tokens.length) throw new TemplateUnsupported(`cannot read "${text}"`);
  return node;
}

// ---------------------------------------------------------------- sprig / text/template built-ins

export function truth(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

const empty = (value: unknown) => !truth(value);

function coalesce(...values: unknown[]): unknown {
  return values.find((v) => !empty(v)) ?? null;
}

/** sprig's toString: fmt's %v. */
export function toString(value: unknown): string {
  if (value === undefined || value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(toString).join(' ')}]`;
  return `map[${Object.entries(value as Values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}:${toString(v)}`)
    .join(' ')}]`;
}

function toInt(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : 0;
  return 0;
}

function dig(values: unknown, path: readonly string[]): unknown {
  let node = values;
  for (const key of path) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Values)[key];
  }
  return node;
}

function kindOf(value: unknown): string {
  if (value === undefined || value === null) return 'invalid';
  if (Array.isArray(value)) return 'slice';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value;
}

/** text/template's eq on basic kinds; values of different kinds are never equal here. */
function equal(a: unknown, b: unknown): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  return typeof a === typeof b && a === b;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

function semverParts(text: string, isConstraint = false): [number, number, number, string] {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(text.trim());
  if (!match && isConstraint) throw new TemplateUnsupported(`"${text}" is not a semantic version`);
  if (!match) throw new TemplateError('error calling semverCompare: Invalid Semantic Version');
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0), match[4] ?? ''];
}

/** Masterminds/semver constraints of one comparison, as the chart uses them (">=1.16", "<0.9.0"). */
function semverCompare(constraint: string, version: string): boolean {
  const match = /^\s*(>=|<=|!=|=|>|<)?\s*(\S+)\s*$/.exec(constraint);
  if (!match) throw new TemplateUnsupported(`constraint "${constraint}"`);
  const [a0, a1, a2] = semverParts(version);
  const [b0, b1, b2] = semverParts(match[2]!, true);
  const c = a0 - b0 || a1 - b1 || a2 - b2;
  switch (match[1] ?? '=') {
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    case '!=':
      return c !== 0;
    default:
      return c === 0;
  }
}

// ---------------------------------------------------------------- evaluation

interface Scope {
  values: Values;
}

function evalNode(node: Node, scope: Scope): unknown {
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

function call(name: string, argNodes: Node[], scope: Scope): unknown {
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

// ---------------------------------------------------------------- refusal rows

export interface RefusalRow {
  file: string;
  line: number;
  column: number;
  /** Enclosing conditions, outermost first, joined by " && " (refusals.tsv). */
  when: string;
  message: string;
}

const previousBranch = '(not previous branch)';

/** The condition segments of a row; an else-if segment brings the negated branch before it. */
function segments(row: RefusalRow, rows: readonly RefusalRow[]): string[] {
  const parts = row.when.split(' && ');
  return parts.flatMap((part, depth) => {
    if (!part.startsWith(previousBranch)) return [part];
    // The `if` this `else if` follows: the nearest earlier row of the same file with the same
    // enclosing conditions, at the same depth.
    const index = rows.indexOf(row);
    const before = rows
      .slice(0, index)
      .reverse()
      .find(
        (r) =>
          r.file === row.file &&
          r.when.split(' && ').slice(0, depth).join(' && ') === parts.slice(0, depth).join(' && '),
      );
    const branch = before?.when.split(' && ')[depth];
    if (!branch || branch.startsWith(previousBranch))
      throw new TemplateUnsupported('an else-if whose if is not in the data');
    return [`not (${branch})`, part.slice(previousBranch.length).trim()];
  });
}

/** Why a row cannot be checked on values alone; undefined when it can. */
export function whyNotEnforced(row: RefusalRow, rows: readonly RefusalRow[]): string | undefined {
  if (!row.when.trim())
    return 'refusals.tsv records no condition for this fail (its `if` spans lines the extraction did not keep)';
  if (row.file.endsWith('_helpers.tpl'))
    return 'inside a helper template: whether it runs depends on the template that calls it';
  try {
    for (const segment of segments(row, rows)) probe(parseCondition(segment));
    return undefined;
  } catch (error) {
    if (error instanceof TemplateUnsupported) return error.message;
    throw error;
  }
}

/** Walks a condition for constructs that cannot be evaluated on values, without values. */
function probe(node: Node): void {
  if (node.kind === 'field' && node.root !== 'Values') evalNode(node, { values: {} });
  if (node.kind === 'var' && !templateVariables[node.name]) evalNode(node, { values: {} });
  if (node.kind === 'ident' && !knownFunctions.has(node.name)) call(node.name, [], { values: {} });
  if (node.kind === 'pipe')
    for (const command of node.commands) {
      const head = command[0];
      if (head?.kind === 'ident' && head.name === 'include') call('include', command.slice(1), { values: {} });
      command.forEach(probe);
    }
}

const knownFunctions = new Set(
  'and or not eq ne lt le gt ge int toString default coalesce len hasKey dig list has kindIs regexMatch regexReplaceAll trimPrefix semverCompare lower'.split(
    ' ',
  ),
);

/** Whether the row's `fail` runs for these (already merged) values. */
export function refusalTriggers(row: RefusalRow, rows: readonly RefusalRow[], values: Values): boolean {
  return segments(row, rows).every((segment) => truth(evalNode(parseCondition(segment), { values })));
}

/** Every values path a condition reads (`.Values.a.b`, `hasKey .Values.a "b"`, `dig "a" "b" … .Values.AsMap`). */
export function conditionPaths(when: string): string[] {
  const paths = new Set<string>();
  const walk = (node: Node): void => {
    if (node.kind === 'field' && node.root === 'Values' && node.path.length && node.path[0] !== 'AsMap')
      paths.add(node.path.join('.'));
    if (node.kind === 'var') for (const path of templateVariables[node.name]?.reads ?? []) paths.add(path);
    if (node.kind !== 'pipe') return;
    for (const command of node.commands) {
      command.forEach(walk);
      const [head, ...args] = command;
      if (head?.kind !== 'ident') continue;
      if (head.name === 'hasKey' && args[0]?.kind === 'field' && args[0].root === 'Values' && args[1]?.kind === 'lit')
        paths.add([...args[0].path, String(args[1].value)].join('.'));
      if (head.name === 'dig') {
        const keys = args.slice(0, -2);
        if (keys.every((k) => k.kind === 'lit'))
          paths.add(keys.map((k) => String((k as { value: unknown }).value)).join('.'));
      }
    }
  };
  for (const segment of when.split(' && ')) {
    try {
      walk(parseCondition(segment.replace(previousBranch, '')));
    } catch {
      // unreadable segment: its row is not enforced anyway
    }
  }
  return [...paths];
}

/**
 * The order helm renders templates in, so the order its first failure is found in: deepest
 * path first, then by name in reverse (helm pkg/engine/engine.go, sortTemplates: a reversed
 * byPathLen, which orders by "/" count, then by name); within a file, top to bottom.
 */
export function helmOrder<T extends RefusalRow>(rows: readonly T[]): T[] {
  const depth = (file: string) => file.split('/').length;
  return [...rows].sort(
    (a, b) => depth(b.file) - depth(a.file) || b.file.localeCompare(a.file) || a.line - b.line || a.column - b.column,
  );
}

/** helm's first failure for these (merged) values among the enforced rows: the row, or a template error in it. */
export function firstFailure<T extends RefusalRow & { enforced: boolean }>(
  rows: readonly T[],
  values: Values,
): { row: T; templateError?: string } | undefined {
  for (const row of helmOrder(rows)) {
    if (!row.enforced) continue;
    try {
      if (refusalTriggers(row, rows, values)) return { row };
    } catch (error) {
      if (error instanceof TemplateError) return { row, templateError: error.message };
      throw error;
    }
  }
  return undefined;
}

/** helm's coalescing of user values over the chart's defaults: maps merge, `null` removes a default. */
export function mergeValues(defaults: Values, user: Values): Values {
  const out: Values = structuredClone(defaults);
  for (const [key, value] of Object.entries(user)) {
    const base = out[key];
    if (value === null) delete out[key];
    else if (
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      base &&
      typeof base === 'object' &&
      !Array.isArray(base)
    )
      out[key] = mergeValues(base as Values, value as Values);
    else out[key] = structuredClone(value);
  }
  return out;
}

/**
 * helm's error line for a failed template: `execution error at (cilium/templates/F:L:C): MESSAGE`.
 * For a template error the data holds no exact position: the text names the file and the error.
 */
export function helmFailure(row: RefusalRow, templateError?: string): string {
  return templateError
    ? `template: cilium/${row.file}: executing "cilium/${row.file}": ${templateError}`
    : `execution error at (cilium/${row.file}:${row.line}:${row.column}): ${row.message}`;
}
