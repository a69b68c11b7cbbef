import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * .ci/engine.sh with stand-ins for `docker` and `dockerd` (the real engine is shared here and
 * must never get a second one beside it): a fresh engine on a new data root when none
 * answers, emptied and stopped at the end; the running one used, and said, when one answers.
 */
const engineScript = join(import.meta.dirname, '../../.ci/engine.sh');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function standIns(engineRunning: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'ci-engine-'));
  dirs.push(dir);
  const log = join(dir, 'calls.log');
  const up = join(dir, 'engine-up');
  if (engineRunning) writeFileSync(up, '');
  writeFileSync(
    join(dir, 'docker'),
    `#!/usr/bin/env bash
echo "docker $*" >> "${log}"
[ -f "${up}" ] || exit 1
case "$1" in
  version) echo "fake 20.10" ;;
  info) echo "3 containers, 2 images" ;;
  ps) printf 'c1\\nc2\\n' ;;
esac
`,
  );
  // Stands for dockerd: "up" while it runs, gone when it is told to stop.
  writeFileSync(
    join(dir, 'dockerd'),
    `#!/usr/bin/env bash
echo "dockerd $*" >> "${log}"
trap 'rm -f "${up}"; exit 0' TERM
touch "${up}"
while :; do sleep 0.1; done
`,
  );
  chmodSync(join(dir, 'docker'), 0o755);
  chmodSync(join(dir, 'dockerd'), 0o755);
  const run = (script: string) =>
    spawnSync('bash', ['-c', `set -euo pipefail\n. "${engineScript}"\n${script}`], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, TMPDIR: dir },
      timeout: 60_000,
    });
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { dir, run, calls, up };
}

describe('.ci/engine.sh', () => {
  it('with an engine already answering: uses it, says in one line that the run is not fresh, starts none', () => {
    const { run, calls } = standIns(true);
    const result = run('ci_engine_start\nci_engine_stop');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'This run is NOT on a fresh engine: it uses the Docker engine already running (3 containers, 2 images); what earlier runs left there can hide first-run failures.',
    ]);
    expect(calls().some((c) => c.startsWith('dockerd'))).toBe(false);
    expect(calls().some((c) => c.includes(' rm ') || c.includes('prune'))).toBe(false);
  });

  it('with none: starts dockerd on a new empty data root, and at the end empties it, stops it and removes the root', () => {
    const { dir, run, calls, up } = standIns(false);
    const result = run('ci_engine_start\necho "root=$ci_engine_root"\nci_engine_stop');
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const root = /root=(\S+)/.exec(result.stdout)![1]!;
    expect(root.startsWith(join(dir, 'kindscope-docker-root.'))).toBe(true);
    const started = calls().filter((c) => c.startsWith('dockerd'));
    expect(started).toEqual([`dockerd --data-root ${root}`]);
    expect(result.stdout).toContain(`A fresh engine for this run: data root ${root}`);
    expect(calls()).toContain('docker rm --force c1 c2');
    expect(calls()).toContain('docker network prune --force');
    expect(existsSync(up)).toBe(false);
    expect(existsSync(root)).toBe(false);
    expect(result.stdout).toContain('Stopped the run');
  });

  it('when the engine it started never answers: fails with the tail of its log', () => {
    const { dir, run } = standIns(false);
    writeFileSync(join(dir, 'dockerd'), '#!/usr/bin/env bash\necho "failed to start daemon: no iptables"\nexit 1\n');
    const result = run('ci_engine_start');
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('The Docker engine did not start:');
    expect(result.stdout).toContain('failed to start daemon: no iptables');
  });
});
