/**
 * How a `fail`'s enclosing condition is written: the text of `refusals.tsv`
 * (../shared/upstream/cilium-chart/<version>/) read into a tree, as Go's text/template parses
 * an `if` pipeline. Self-contained, as chart-template.ts is (the lab's helm runs it directly).
 */

export type Values = Record<string, unknown>;

/** A construct the data does not let us evaluate: the reason is shown as "not enforced". */
export class TemplateUnsupported extends Error {}

/**
 * A template function failed on these values (sprig's semverCompare on a tag that is no
 * version): helm fails the render with it, before or instead of the `fail`.
 */
export class TemplateError extends Error {}

export type Node =
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
