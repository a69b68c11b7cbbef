import { describe, expect, it } from 'vitest';
import { formatError, plain } from './output';

describe('terminal text', () => {
  it('prints Markdown code spans plain', () => {
    expect(plain('List them with `kind get clusters` or `kindscope topology`.')).toBe(
      'List them with kind get clusters or kindscope topology.',
    );
    expect(plain('a lone ` stays')).toBe('a lone ` stays');
    expect(formatError({ code: 'INVALID_INPUT', message: 'No `x`', hint: 'Run `kindscope --help`.' })).toBe(
      'kindscope: No x\n  hint: Run kindscope --help.\n',
    );
  });
});

describe('CLI wording of router refusals', () => {
  it('names flags, not calls and input fields', async () => {
    const { cliWording } = await import('./run-cli');
    expect(cliWording('Invalid input for topology:snapshot: input.cluster: must be a kind cluster name')).toBe(
      'Invalid --cluster: must be a kind cluster name',
    );
    expect(cliWording('Invalid input for troubleshoot:check-service: input.namespace: must be a Kubernetes name')).toBe(
      'Invalid --service (its namespace): must be a Kubernetes name',
    );
    expect(cliWording('No kind cluster named "x"')).toBe('No kind cluster named "x"');
  });
});
