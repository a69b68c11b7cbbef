import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labEnv } from '../../../e2e/lab/lab-cluster.ts';
import { docker, requireDocker } from '../../../e2e/lab/require-docker.ts';
import { kindscope } from './kindscope-process';
import { labPlanYaml } from '../../../e2e/lab/lab-kind-plan.ts';

/**
 * Issue 27: a same-named cluster a user makes by hand after Kindscope's preflight passed (so
 * the preflight could not see it) survives the failed `create`, its resume and its cleanup.
 *
 * The window is hit deterministically, not by racing: `helm repo update` is the plan's step
 * right before `kind create`, so a `helm` placed in front of the lab's runs
 * `kind create cluster --name X` (the lab's kind, as a user would type it) once, then hands
 * over to the lab's helm. By the time the create pipeline reaches `kind create`, X exists
 * and was not made by this run.
 */
const suffix = randomBytes(3).toString('hex');
const network = `ks-same-${suffix}`;
const name = `same-${suffix}`;
const home = mkdtempSync(join(tmpdir(), 'ks-same-home-'));
const shims = join(home, 'shims');
const armed = join(home, 'make-x-by-hand');
// A plan whose node image the preflight accepts on a cgroup v1 engine too (1.35+ images need v2):
// the test is about the name, not the host. kind v0.29.0 is the lab kind's version.
const plan = join(home, 'lab.yaml');
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  requireDocker();
  const lab = labEnv({ HOME: home, KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  for (const key of ['KUBECONFIG', 'KINDSCOPE_HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME']) delete lab[key];
  const realHelm = (lab.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'helm'))
    .find((path) => existsSync(path))!;
  mkdirSync(shims, { recursive: true });
  writeFileSync(
    join(shims, 'helm'),
    `#!/bin/sh\nif [ "$1 $2" = "repo update" ] && [ -f "${armed}" ]; then rm "${armed}"; kind create cluster --name "${name}" >"${home}/by-hand.log" 2>&1 || exit 97; fi\nexec "${realHelm}" "$@"\n`,
  );
  chmodSync(join(shims, 'helm'), 0o755);
  writeFileSync(plan, labPlanYaml(name));
  env = { ...lab, PATH: `${shims}${delimiter}${lab.PATH}` };
});

afterAll(() => {
  // X is the test's own "hand-made" cluster: the test removes it, as its user would.
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  rmSync(home, { recursive: true, force: true });
});

/** X's node containers (id and name), as Docker labels them. */
const containersOfX = () =>
  docker(['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${name}`, '--format', '{{.ID}} {{.Names}}'])
    .trim()
    .split('\n')
    .filter(Boolean)
    .sort();

const contextsOf = () =>
  spawnSync('kubectl', ['config', 'get-contexts', '--output', 'name'], { env, encoding: 'utf8' }).stdout.split('\n');

/** X still answers through its own context: its node listed by its API server. */
function xAnswers() {
  const nodes = spawnSync('kubectl', ['--context', `kind-${name}`, 'get', 'nodes', '--output', 'name'], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(nodes.status, nodes.stderr).toBe(0);
  expect(nodes.stdout).toContain(`node/${name}-control-plane`);
}

describe('a same-named cluster made by hand after the preflight', () => {
  let runId = '';
  let before: string[] = [];

  it('fails the create at kind-create, naming the cluster, and leaves it running', { timeout: 300_000 }, () => {
    writeFileSync(armed, '');
    expect(containersOfX(), 'X must not exist before the run').toEqual([]);
    const created = kindscope(['create', '-f', plan], env, 240_000);
    // The stand-in did make X by hand, inside the run (between preflight and kind create).
    expect(existsSync(armed), `helm repo update never ran: the window was not reached\n${created.stderr}`).toBe(false);
    expect(readFileSync(join(home, 'by-hand.log'), 'utf8')).toContain(`kind-${name}`);
    expect(created.code, `${created.stdout}\n${created.stderr}`).toBe(1);
    expect(created.stderr).toContain(
      `step "kind-create" failed: A kind cluster named "${name}" appeared since the preflight`,
    );
    runId = /kindscope create --resume (\S+)`/.exec(created.stderr)?.[1] ?? '';
    expect(runId, created.stderr).not.toBe('');
    before = containersOfX();
    expect(before.length).toBeGreaterThan(0);
    expect(contextsOf()).toContain(`kind-${name}`);
    xAnswers();
  });

  it('fails the same way on resume and does not delete it', { timeout: 300_000 }, () => {
    const resumed = kindscope(['create', '--resume', runId], env, 240_000);
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(1);
    expect(resumed.stderr).toContain(
      `step "kind-create" failed: A kind cluster named "${name}" appeared since the preflight`,
    );
    // The same containers (ids), not a cluster deleted and made again.
    expect(containersOfX()).toEqual(before);
    expect(contextsOf()).toContain(`kind-${name}`);
    xAnswers();
  });

  it("cleanup of the run removes nothing of X's: containers, context and API stay", { timeout: 300_000 }, () => {
    const planned = kindscope(['cleanup', runId], env, 120_000);
    // The run recorded nothing of X, so its cleanup lists nothing.
    expect(planned.stderr).toContain('(nothing left)');
    const cleaned = kindscope(['cleanup', runId, '--yes'], env, 120_000);
    expect(cleaned.code, `${cleaned.stdout}\n${cleaned.stderr}`).toBe(0);
    expect(cleaned.stdout).toContain(`Cleaned up ${runId}.`);
    expect(containersOfX()).toEqual(before);
    expect(contextsOf()).toContain(`kind-${name}`);
    xAnswers();
  });
});
