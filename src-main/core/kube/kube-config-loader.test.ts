import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeConfig, withContext } from './kube-config-loader';

const dir = mkdtempSync(join(tmpdir(), 'kindscope-kubeconfig-'));
function file(name: string, clusters: [string, string][], current?: string): string {
  const path = join(dir, name);
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    ...(current ? [`current-context: ${current}`] : []),
    'clusters:',
    ...clusters.map(([n, server]) => `- name: ${n}\n  cluster:\n    server: ${server}`),
    'users:',
    ...clusters.map(([n]) => `- name: ${n}\n  user:\n    token: t-${name}`),
    'contexts:',
    ...clusters.map(([n]) => `- name: ${n}\n  context:\n    cluster: ${n}\n    user: ${n}`),
  ].join('\n');
  writeFileSync(path, `${yaml}\n`);
  return path;
}

describe('loadKubeConfig (KUBECONFIG with several files, as kubectl merges them)', () => {
  it('merges every file, the first to set a name wins, missing files are skipped, the first current-context wins', () => {
    const a = file(
      'a',
      [
        ['kind-one', 'https://127.0.0.1:1001'],
        ['kind-shared', 'https://a.example:6443'],
      ],
      'kind-one',
    );
    const b = file(
      'b',
      [
        ['kind-two', 'https://127.0.0.1:1002'],
        ['kind-shared', 'https://b.example:6443'],
      ],
      'kind-two',
    );
    const { config, files } = loadKubeConfig([a, join(dir, 'missing'), '', b].join(delimiter));
    expect(files).toEqual([a, b]);
    expect(config.getContexts().map((c) => c.name)).toEqual(['kind-one', 'kind-shared', 'kind-two']);
    expect(config.getCluster('kind-shared')?.server).toBe('https://a.example:6443');
    expect(config.getCurrentContext()).toBe('kind-one');
    const two = withContext(config, 'kind-two');
    expect(two.getCurrentCluster()?.server).toBe('https://127.0.0.1:1002');
    expect(config.getCurrentContext()).toBe('kind-one');
  });

  it('skips a file it cannot parse, and says so', () => {
    const broken = join(dir, 'broken');
    writeFileSync(broken, 'clusters: [ {');
    const good = file('good', [['kind-good', 'https://127.0.0.1:1003']]);
    const { config, problems } = loadKubeConfig([broken, good].join(delimiter));
    expect(config.getContexts().map((c) => c.name)).toEqual(['kind-good']);
    expect(problems).toEqual([expect.stringContaining(broken)]);
  });

  it('gives an empty config when no file exists', () => {
    const { config, files } = loadKubeConfig(join(dir, 'nothing-here'));
    expect(files).toEqual([]);
    expect(config.getContexts()).toEqual([]);
  });
});
