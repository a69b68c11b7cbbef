import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardedEntries } from './node-guard-check.ts';

// The built entries under an unsupported Node (this workplace's /usr/bin/node is Node 20, or
// KINDSCOPE_OLD_NODE): one line naming the fix, exit 1 — not a SyntaxError from a module that
// links before the guard runs (a named import of node:module's enableCompileCache did that).
describe('the entry points under an unsupported Node', () => {
  it('print the one-line refusal and exit 1', () => {
    const root = join(import.meta.dirname, '../..');
    expect(guardedEntries(root, (reason) => new Error(reason))).toMatch(/^4 entries under Node \S+ print/);
  }, 60_000);
});
