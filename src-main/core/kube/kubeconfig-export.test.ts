import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportKindKubeconfig } from './kubeconfig-export';

const dir = mkdtempSync(join(tmpdir(), 'kindscope-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'config');
writeFileSync(
  file,
  `apiVersion: v1
kind: Config
current-context: kind-other
clusters:
- name: kind-demo
  cluster: { server: "https://127.0.0.1:40001", certificate-authority-data: AAA }
- name: kind-other
  cluster: { server: "https://127.0.0.1:40002" }
contexts:
- name: kind-demo
  context: { cluster: kind-demo, user: kind-demo }
- name: kind-other
  context: { cluster: kind-other, user: kind-other }
users:
- name: kind-demo
  user: { client-certificate-data: BBB, client-key-data: CCC }
- name: kind-other
  user: { token: secret-of-another-cluster }
`,
);

describe('Export kubeconfig', () => {
  it("holds only the cluster's own context, cluster and user, and makes it current", async () => {
    const exported = await exportKindKubeconfig('demo', file);
    const config = parse(exported.kubeconfig);
    expect(exported.context).toBe('kind-demo');
    expect(config['current-context']).toBe('kind-demo');
    expect(config.clusters.map((c: { name: string }) => c.name)).toEqual(['kind-demo']);
    expect(config.users).toEqual([
      { name: 'kind-demo', user: { 'client-certificate-data': 'BBB', 'client-key-data': 'CCC' } },
    ]);
    expect(exported.kubeconfig).not.toContain('secret-of-another-cluster');
  });

  it('names the fix when the context is missing or the file unreadable', async () => {
    await expect(exportKindKubeconfig('absent', file)).rejects.toMatchObject({
      code: 'CLUSTER_NOT_FOUND',
      hint: 'Run `kind export kubeconfig --name absent` to write it again.',
    });
    await expect(exportKindKubeconfig('demo', join(dir, 'nope'))).rejects.toMatchObject({
      code: 'CLUSTER_NOT_FOUND',
      message: expect.stringContaining('could not be read'),
    });
  });
});
