/**
 * What sprig's and text/template's built-ins return, as helm's template engine computes them:
 * "truth", `default`/`coalesce`'s emptiness, `toString`, `dig`, `eq` on basic kinds,
 * Masterminds/semver comparisons.
 */
import { TemplateError, TemplateUnsupported, type Values } from './template-syntax.ts';

export function truth(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

export const empty = (value: unknown) => !truth(value);

export function coalesce(...values: unknown[]): unknown {
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

export function toInt(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : 0;
  return 0;
}

export function dig(values: unknown, path: readonly string[]): unknown {
  let node = values;
  for (const key of path) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Values)[key];
  }
  return node;
}

export function kindOf(value: unknown): string {
  if (value === undefined || value === null) return 'invalid';
  if (Array.isArray(value)) return 'slice';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value;
}

/** text/template's eq on basic kinds; values of different kinds are never equal here. */
export function equal(a: unknown, b: unknown): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  return typeof a === typeof b && a === b;
}

export function compare(a: unknown, b: unknown): number {
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
export function semverCompare(constraint: string, version: string): boolean {
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
