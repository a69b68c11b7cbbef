/**
 * helm's `--set` grammar (helm's strvals), the part command lines in articles use:
 * `a.b=c`, several assignments joined by commas, `{x,y}` lists, `\,` and `\.` escapes,
 * `name[0]=v` list items; `true`/`false`/integers/`null` typed as helm types them
 * (`--set-string` keeps strings).
 */

export interface Assignment {
  path: string[];
  value: unknown;
  /** The text after `=`, as helm received it (the shell already removed quotes). */
  raw: string;
}

/** Splits at `sep` outside `{…}` and not escaped by a backslash. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth = Math.max(0, depth - 1);
    if (c === sep && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

const unescape = (text: string) => text.replace(/\\(.)/g, '$1');

function typed(raw: string, asString: boolean): unknown {
  if (asString) return unescape(raw);
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?(0|[1-9]\d*)$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  return unescape(raw);
}

function parseValue(raw: string, asString: boolean): unknown {
  if (raw.startsWith('{') && raw.endsWith('}')) {
    const inner = raw.slice(1, -1);
    return inner === '' ? [] : splitTop(inner, ',').map((item) => typed(item, asString));
  }
  return typed(raw, asString);
}

/** One `--set` argument → its assignments, in order. */
export function parseSetArgument(argument: string, asString = false): Assignment[] {
  return splitTop(argument, ',')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.search(/(?<!\\)=/);
      const key = eq === -1 ? part : part.slice(0, eq);
      const raw = eq === -1 ? '' : part.slice(eq + 1);
      const path = key.split(/(?<!\\)\./).map(unescape);
      return { path, value: parseValue(raw, asString), raw };
    });
}

/** Applies an assignment to a values object, as helm does (later assignments win). */
export function applyAssignment(values: Record<string, unknown>, assignment: Assignment): void {
  let node = values;
  assignment.path.forEach((segment, index) => {
    const list = /^(.*)\[(\d+)\]$/.exec(segment);
    const last = index === assignment.path.length - 1;
    if (list) {
      const array = Array.isArray(node[list[1]!]) ? (node[list[1]!] as unknown[]) : [];
      node[list[1]!] = array;
      const at = Number(list[2]);
      if (last) array[at] = assignment.value;
      else node = (array[at] = typeof array[at] === 'object' && array[at] ? array[at] : {}) as Record<string, unknown>;
    } else if (last) {
      node[segment] = assignment.value;
    } else {
      const next = node[segment];
      node = (node[segment] = next && typeof next === 'object' && !Array.isArray(next) ? next : {}) as Record<
        string,
        unknown
      >;
    }
  });
}
