/**
 * Splits text pasted from an article into what it holds: shell command lines (read as a
 * POSIX shell reads words: line continuations, single and double quotes, backslashes,
 * comments, `;` and `&&` between commands, heredoc bodies) and YAML documents, in any
 * order. Variables are not expanded: `$FOO` stays as written.
 */

export interface PastedCommand {
  words: string[];
  /** 1-based line where the command starts, for findings. */
  line: number;
  source: string;
}

export interface PastedYaml {
  text: string;
  line: number;
  source: string;
}

export interface Paste {
  commands: PastedCommand[];
  yaml: PastedYaml[];
}

/** Commands an article about kind + Cilium pastes; a line starting with one is shell. */
const shellCommands = new Set(['helm', 'kind', 'kubectl', 'cilium', 'curl', 'docker', 'export', 'sudo', 'cat', 'echo']);

function isShellStart(line: string): boolean {
  const first =
    line
      .trim()
      .replace(/^\$\s+/, '')
      .split(/\s+/)[0] ?? '';
  return shellCommands.has(first);
}

/** A command line with its continuations joined, and heredoc bodies lifted out. */
interface RawCommand {
  text: string;
  line: number;
  heredocs: { text: string; line: number }[];
}

function collect(text: string): { commands: RawCommand[]; yamlChunks: { text: string; line: number }[] } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const commands: RawCommand[] = [];
  const yamlChunks: { text: string; line: number }[] = [];
  let yamlLines: string[] = [];
  let yamlStart = 1;
  const flushYaml = () => {
    if (yamlLines.some((l) => l.trim() && !l.trim().startsWith('#')))
      yamlChunks.push({ text: yamlLines.join('\n'), line: yamlStart });
    yamlLines = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) continue;
    if (/^---\s*$/.test(line)) {
      flushYaml();
      yamlStart = i + 2;
      continue;
    }
    if (!isShellStart(line)) {
      if (yamlLines.length === 0) yamlStart = i + 1;
      yamlLines.push(line);
      continue;
    }
    flushYaml();
    const start = i;
    let joined = line.trim().replace(/^\$\s+/, '');
    while (/(^|[^\\])(\\\\)*\\$/.test(joined) && i + 1 < lines.length)
      joined = `${joined.slice(0, -1)} ${lines[++i]!.trim()}`;
    const heredocs: RawCommand['heredocs'] = [];
    for (const match of joined.matchAll(/<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/g)) {
      const end = match[2]!;
      const body: string[] = [];
      const bodyStart = i + 2;
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== end) body.push(lines[++i]!);
      i++;
      heredocs.push({ text: body.join('\n'), line: bodyStart });
    }
    commands.push({ text: joined, line: start + 1, heredocs });
    yamlStart = i + 2;
  }
  flushYaml();
  return { commands, yamlChunks };
}

/** Shell words of one command line, split into commands at `;`, `&&`, `||` and `|`. */
export function shellWords(text: string): string[][] {
  const commands: string[][] = [[]];
  let word: string | undefined;
  const push = () => {
    if (word !== undefined) commands[commands.length - 1]!.push(word);
    word = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? '') + text.slice(i + 1, end === -1 ? text.length : end);
      i = end === -1 ? text.length : end;
    } else if (c === '"') {
      word = word ?? '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        // Inside double quotes a backslash escapes only $ ` " \ and newline.
        if (text[i] === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1]!)) i++;
        word += text[i];
      }
    } else if (c === '\\') {
      if (i + 1 < text.length) word = (word ?? '') + text[++i];
    } else if (/\s/.test(c)) {
      push();
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === ';' || c === '|' || (c === '&' && text[i + 1] === '&')) {
      push();
      if (text[i + 1] === c) i++;
      commands.push([]);
    } else if (c === '<' && text[i + 1] === '<' && word === undefined) {
      // A heredoc redirection: its body was lifted out; skip the delimiter word.
      const match = /^<<-?\s*(['"]?)[A-Za-z_][A-Za-z0-9_]*\1/.exec(text.slice(i));
      i += (match?.[0].length ?? 2) - 1;
    } else {
      word = (word ?? '') + c;
    }
  }
  push();
  return commands.filter((words) => words.length > 0);
}

/** Everything in one pasted source. */
export function readPaste(text: string, source: string): Paste {
  const { commands, yamlChunks } = collect(text);
  const paste: Paste = { commands: [], yaml: yamlChunks.map((chunk) => ({ ...chunk, source })) };
  for (const command of commands) {
    for (const words of shellWords(command.text)) paste.commands.push({ words, line: command.line, source });
    for (const body of command.heredocs) {
      for (const [index, part] of body.text.split(/^---\s*$/m).entries())
        if (part.trim()) paste.yaml.push({ text: part, line: body.line + index, source });
    }
  }
  return paste;
}
