import { describe, expect, it } from 'vitest';
import type { ToolStatus } from '@contract';
import { downloadOffer } from './download-offer';

const kind = (overrides: Partial<ToolStatus>): ToolStatus => ({
  name: 'kind',
  status: 'ok',
  minimum: '0.20.0',
  managed: { available: true, version: '0.29.0', installed: false },
  ...overrides,
});

describe('the Download button beside a tool', () => {
  it.each([
    [
      'Ready 0.29.0 on PATH, pinned 0.29.0: no update prompt',
      kind({ version: '0.29.0', source: 'process PATH' }),
      'none',
    ],
    [
      'Ready 0.29.0 chosen in Settings, managed copy installed too',
      kind({ version: '0.29.0', source: 'settings', managed: { available: true, version: '0.29.0', installed: true } }),
      'installed-copy',
    ],
    ['Ready 0.30.1, newer than pinned', kind({ version: '0.30.1', source: 'process PATH' }), 'none'],
    ['Ready 0.24.0, older than pinned', kind({ version: '0.24.0', source: 'process PATH' }), 'button'],
    [
      'Ready, the managed copy itself',
      kind({ version: '0.29.0', source: 'managed', managed: { available: true, version: '0.29.0', installed: true } }),
      'none',
    ],
    ['missing', kind({ status: 'missing' }), 'button'],
    ['too old', kind({ status: 'too-old', version: '0.11.1' }), 'button'],
    [
      'docker: nothing to download',
      kind({ name: 'docker', status: 'missing', managed: { available: false, installed: false } }),
      'none',
    ],
  ] as const)('%s', (_label, tool, offer) => {
    expect(downloadOffer(tool)).toBe(offer);
  });
});
