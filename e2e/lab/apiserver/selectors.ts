/**
 * Label and field selectors as the API server parses them:
 * `a=b,c!=d,e in (x,y),f notin (z),g,!h` and `metadata.name=x,spec.nodeName!=y`.
 */
type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export class SelectorError extends Error {}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseLabelSelector(text: string | null | undefined): Requirement[] {
  if (!text) return [];
  return splitTopLevel(text).map((part) => {
    let match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (match)
      return {
        key: match[1]!,
        op: match[2] as 'in' | 'notin',
        values: match[3]!
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      };
    match = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(part);
    if (match) return { key: match[1]!, op: match[2] === '!=' ? 'neq' : 'eq', value: match[3]! };
    match = /^(!?)([\w./-]+)$/.exec(part);
    if (match) return { key: match[2]!, op: match[1] ? 'notexists' : 'exists' };
    throw new SelectorError(`unable to parse requirement: ${part}`);
  });
}

export function matchesLabels(labels: Record<string, string> | undefined, requirements: Requirement[]): boolean {
  const map = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(map, r.key);
    const value = map[r.key];
    switch (r.op) {
      case 'eq':
        return has && value === r.value;
      case 'neq':
        return !has || value !== r.value;
      case 'in':
        return has && r.values.includes(value!);
      case 'notin':
        return !has || !r.values.includes(value!);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

export interface FieldRequirement {
  path: string;
  op: 'eq' | 'neq';
  value: string;
}

export function parseFieldSelector(text: string | null | undefined): FieldRequirement[] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const match = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
    if (!match) throw new SelectorError(`invalid field selector: ${part}`);
    return { path: match[1]!, op: match[2] === '!=' ? 'neq' : 'eq', value: match[3]! };
  });
}

export function matchesFields(object: unknown, requirements: FieldRequirement[]): boolean {
  return requirements.every((r) => {
    let current: unknown = object;
    for (const key of r.path.split('.'))
      current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    const value = current === undefined || current === null ? '' : String(current);
    return r.op === 'eq' ? value === r.value : value !== r.value;
  });
}
