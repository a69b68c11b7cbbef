/**
 * The conditions around each `fail` in the Cilium chart's templates, evaluated on values as
 * helm's template engine does (Go text/template with sprig). The conditions are the text of
 * `refusals.tsv` in ../shared/upstream/cilium-chart/<version>/: enclosing `if`s, outermost
 * first, joined by ` && `; an `else if` branch is prefixed `(not previous branch)`.
 *
 * Self-contained (no imports beyond its own template-*.ts parts, named with their `.ts`) so that
 * both the product (plan, importer) and the test lab's helm stand-in (run by node directly)
 * evaluate the same data the same way: the data is the judge, this is only its reader.
 *
 * Semantics followed: text/template's `and`/`or` return an operand and short-circuit,
 * `not`/`if` use "truth" (false, 0, nil, empty string/list/map are false); a missing map key
 * reads as nil; sprig's `default`/`coalesce` treat the same "empty" values as absent.
 */
import { TemplateError, TemplateUnsupported, parseCondition, type Node, type Values } from './template-syntax.ts';
import { truth } from './template-functions.ts';
import { call, evalNode, knownFunctions, templateVariables } from './template-eval.ts';

// The parts, by the question each answers: how a condition is written (template-syntax.ts), what
// the built-ins return (template-functions.ts), what a condition evaluates to (template-eval.ts);
// this file: which refusal rows trigger, in helm's order, with helm's words.
export { TemplateError, TemplateUnsupported, type Values };

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
