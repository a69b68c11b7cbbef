import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from './require-docker';

/** Label on everything the lab makes, for the janitor. */
export const labLabel = 'io.kindscope.lab';

const busyboxPath = '/bin/busybox';
const busyboxApplets = ['sh', 'sleep', 'httpd', 'arping', 'ip', 'cat', 'echo', 'ls', 'true', 'ping', 'wget', 'nc', 'hostname'];

/**
 * A minimal image made by `docker import` (no registry here): Debian's busybox-static with
 * the applets the lab needs. Tagged by content hash and reused when present.
 */
export function ensureBusyboxImage(): string {
  let binary: Buffer;
  try {
    binary = readFileSync(busyboxPath);
  } catch {
    throw new Error(`${busyboxPath} is missing. Fix: apt-get install busybox-static (.ci/run does).`);
  }
  const hash = createHash('sha256').update(binary).update(busyboxApplets.join(',')).digest('hex').slice(0, 12);
  const tag = `kindscope-lab/busybox:${hash}`;
  if (spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0) return tag;

  const root = mkdtempSync(join(tmpdir(), 'kindscope-image-'));
  try {
    mkdirSync(join(root, 'bin'));
    copyFileSync(busyboxPath, join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    for (const applet of busyboxApplets) symlinkSync('busybox', join(root, 'bin', applet));
    for (const dir of ['tmp', 'etc', 'proc', 'sys', 'dev', 'www']) mkdirSync(join(root, dir));
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 256 * 1024 * 1024 });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
    docker(['import', '--change', `LABEL ${labLabel}=1`, '--change', 'CMD ["/bin/sh"]', '-', tag], tar.stdout);
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
