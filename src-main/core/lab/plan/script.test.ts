import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LabPlan } from '../../../contract';
import { defaultPlan } from './plan';
import { renderScript, shellQuote } from './script';
import { labArtifacts, labSteps, poolCidrAtRun } from './steps';

function script(plan = defaultPlan('demo')) {
  const artifacts = labArtifacts(plan, '172.18.250.0/24');
  const steps = labSteps(plan, artifacts);
  return { text: renderScript(plan, artifacts, steps, '172.18.250.0/24'), steps, artifacts };
}

/** A tool the checks need: missing is a loud failure with the fix, never a skip. */
function run(bin: string, args: string[], input: string) {
  const result = spawnSync(bin, args, { input, encoding: 'utf8' });
  if (result.error)
    throw new Error(
      `${bin} is needed for this test (${result.error.message}). Fix: apt-get install ${bin} (bash .ci/run installs it).`,
    );
  return result;
}

describe('the standalone script', () => {
  it('passes bash -n and shellcheck', () => {
    for (const plan of [
      defaultPlan('demo'),
      LabPlan.parse({ ...defaultPlan('x'), sample: { enabled: false } }),
      LabPlan.parse({ ...defaultPlan('y'), sample: { port: 8080 } }),
      LabPlan.parse({ ...defaultPlan('z'), pool: { cidr: '172.18.250.0/24' } }),
    ]) {
      const { text } = script(plan);
      const syntax = run('bash', ['-n'], text);
      expect(syntax.stderr).toBe('');
      expect(syntax.status).toBe(0);
      const lint = run('shellcheck', ['--shell=bash', '-'], text);
      expect(lint.stdout).toBe('');
      expect(lint.status).toBe(0);
    }
  });

  it('starts with set -euo pipefail and runs every step, in order, with the generated texts', () => {
    const { text, steps, artifacts } = script();
    expect(text.split('\n').slice(0, 6)).toContain('set -euo pipefail');
    let at = 0;
    for (const step of steps) {
      const found = text.indexOf(`echo '==> ${step.title}'`, at);
      expect(found, step.id).toBeGreaterThan(at);
      at = found;
    }
    // The auto pool's block is carved by the script itself (`$pool_cidr`), not the one carved here.
    const { pool, ...others } = artifacts.manifests;
    for (const body of [...Object.values(artifacts.files), ...Object.values(others)]) expect(text).toContain(body);
    expect(text).not.toContain(pool);
    expect(text).toContain(pool.replace('172.18.250.0/24', poolCidrAtRun));
    expect(text).toContain('pool_cidr="$(carve_pool "$kind_network")"');
    expect(steps.map((s) => s.id)).toEqual([
      'helm-repo-add',
      'helm-repo-update',
      'kind-create',
      'carve-pool',
      'cilium-install',
      'cilium-ready',
      'nodes-ready',
      'apply-pool',
      'apply-l2-policy',
      'apply-sample',
      'sample-ready',
      'external-ip',
      'curl-sample',
    ]);
    expect(text).toContain(
      'helm install cilium cilium/cilium --version 1.20.2 --namespace kube-system ' +
        '--kube-context kind-demo --values "$workdir/cilium-values.yaml" --wait --timeout 10m0s',
    );
    expect(text).toContain(
      'curl --fail --silent --show-error --max-time 5 --retry 10 --retry-delay 1 --retry-all-errors "http://${external_ip}/"',
    );
  });

  it('is what bash runs: the heredocs write exactly the generated files', () => {
    const { text, artifacts } = script();
    // Everything up to the first step, with a fake mktemp target kept, then the files listed.
    const prelude = text.slice(0, text.indexOf("echo '==> ")).replace(`trap 'rm -rf "$workdir"' EXIT`, '');
    const result = run(
      'bash',
      [
        '-c',
        `${prelude}\nfor f in "$workdir"/*; do printf '%s\\0' "$(basename "$f")"; cat "$f"; printf '\\0'; done; rm -rf "$workdir"`,
      ],
      '',
    );
    const parts = result.stdout.split('\0');
    const written = Object.fromEntries(
      parts
        .slice(0, -1)
        .reduce<string[][]>(
          (pairs, part, i) => (i % 2 === 0 ? [...pairs, [part]] : (pairs.at(-1)!.push(part), pairs)),
          [],
        ),
    );
    expect(written).toEqual(Object.fromEntries(Object.entries(artifacts.files).map(([name, body]) => [name, body])));
  });
});

describe('shellQuote', () => {
  it.each([
    ['kind', 'kind'],
    ['--timeout=300s', '--timeout=300s'],
    ['jsonpath={.status.loadBalancer.ingress[0].ip}', "'jsonpath={.status.loadBalancer.ingress[0].ip}'"],
    ["it's", "'it'\\''s'"],
    ['a b', "'a b'"],
    ['$HOME', "'$HOME'"],
  ])('%s → %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
    expect(run('bash', ['-c', `printf %s ${quoted}`], '').stdout).toBe(word);
  });
});
