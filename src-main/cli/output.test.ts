import { describe, expect, it } from 'vitest';
import { formatError, plain } from './output';

describe('terminal text', () => {
  it('prints Markdown code spans plain', () => {
    expect(plain('List them with `kind get clusters` or `kindscope topology`.')).toBe('List them with kind get clusters or kindscope topology.');
    expect(plain('a lone ` stays')).toBe('a lone ` stays');
    expect(formatError({ code: 'INVALID_INPUT', message: 'No `x`', hint: 'Run `kindscope --help`.' })).toBe('kindscope: No x\n  hint: Run kindscope --help.\n');
  });
});
