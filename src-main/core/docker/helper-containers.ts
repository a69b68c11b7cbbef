import { randomBytes } from 'node:crypto';
import { demuxFrames } from './docker-exec';

/** Every container Kindscope itself starts carries this label (value: what it is for). */
export const helperLabel = 'io.kindscope.helper';
/** And the PID of the Kindscope process that owns it, so a later run can remove orphans. */
export const ownerLabel = 'io.kindscope.owner-pid';

/**
 * A helper's Docker name says what it is (`kindscope-helper-netns-4242-a1b2c3`), instead of
 * Docker's random `clever_chatterjee`, so a user who sees it in `docker ps` knows whose it is.
 */
export function helperName(purpose: string): string {
  return `kindscope-helper-${purpose}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** A helper with no end of its own (tcpdump): the time, ms since the epoch, after which anyone may remove it. */
export const expiresLabel = 'io.kindscope.expires';

/** The labels of a helper: what it is for, which process owns it, and (optionally) when it expires. */
export function helperLabels(purpose: string, options: { expiresAt?: number } = {}): Record<string, string> {
  return {
    [helperLabel]: purpose,
    [ownerLabel]: String(process.pid),
    ...(options.expiresAt !== undefined ? { [expiresLabel]: String(options.expiresAt) } : {}),
  };
}

/** Whether a process runs (EPERM: it runs, as another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The part of dockerode this cleanup needs (a fake in unit tests). */
interface HelperEngine {
  listContainers(options: {
    all: boolean;
    filters: { label: string[] };
  }): Promise<{ Id: string; Labels: Record<string, string> }[]>;
  getContainer(id: string): { remove(options: { force: boolean }): Promise<unknown> };
}

/**
 * Removes helpers another Kindscope left behind: those whose owner is known and gone, and
 * those past their expiry. A live Kindscope's helper is never touched before it expires; a
 * netns reader from before the owner label was kept is removed as before.
 * Labels of older versions (`io.kindscope.capture.owner-pid`, `io.kindscope.capture.expires`)
 * are read too, so their leftovers go as well.
 */
export async function removeOrphanHelpers(docker: HelperEngine, now = Date.now()): Promise<void> {
  const helpers = await docker.listContainers({ all: true, filters: { label: [helperLabel] } }).catch(() => []);
  for (const helper of helpers) {
    const owner = Number(helper.Labels[ownerLabel] ?? helper.Labels['io.kindscope.capture.owner-pid']);
    const expires = Number(helper.Labels[expiresLabel] ?? helper.Labels['io.kindscope.capture.expires']);
    const orphan = Number.isInteger(owner) ? !isProcessAlive(owner) : helper.Labels[helperLabel] === 'netns-reader';
    if (orphan || expires < now)
      await docker
        .getContainer(helper.Id)
        .remove({ force: true })
        .catch(() => undefined);
  }
}

/** A helper's `docker logs` (no TTY: 8-byte multiplexing headers before each frame) as text, both streams. */
export function helperLogText(buffer: Buffer): string {
  return demuxFrames(buffer, 'stdout+stderr');
}
