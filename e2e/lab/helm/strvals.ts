/** Helm's `--set a.b[0].c=v,d=e` syntax (pkg/strvals), for the values the lab reads. */
export function applySet(values: Record<string, unknown>, expression: string): void {
  for (const assignment of splitUnescaped(expression, ',')) {
    const equals = assignment.indexOf('=');
    if (equals < 0) throw new Error(`key "${assignment}" has no value`);
    setPath(values, assignment.slice(0, equals), parseValue(assignment.slice(equals + 1)));
  }
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
      continue;
    }
    if (char === '{') depth += 1;
    if (char === '}') depth -= 1;
    if (char === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.filter((p) => p.length > 0);
}

function parseValue(text: string): unknown {
  if (text.startsWith('{') && text.endsWith('}')) return splitUnescaped(text.slice(1, -1), ',').map(parseValue);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?\d+$/.test(text) && !/^0\d/.test(text)) return Number(text);
  return text;
}

function setPath(values: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.').flatMap((part) => {
    const match = /^([^[]*)((\[\d+\])*)$/.exec(part);
    if (!match) return [part];
    const indices = [...match[2]!.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    return [match[1]!, ...indices].filter((k) => k !== '');
  });
  let current: Record<string | number, unknown> = values;
  keys.forEach((key, index) => {
    if (index === keys.length - 1) {
      current[key] = value;
      return;
    }
    const nextIsIndex = typeof keys[index + 1] === 'number';
    if (typeof current[key] !== 'object' || current[key] === null) current[key] = nextIsIndex ? [] : {};
    current = current[key] as Record<string | number, unknown>;
  });
}

export function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    if (
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      target[key] &&
      typeof target[key] === 'object' &&
      !Array.isArray(target[key])
    )
      deepMerge(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    else target[key] = value;
  }
  return target;
}
