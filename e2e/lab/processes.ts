import { readdirSync, readFileSync } from 'node:fs';

/**
 * Whether processes still run, for tests that cancel a process tree. A killed process whose
 * parent is gone stays a zombie until PID 1 reaps it — in a container, PID 1 may take its time —
 * yet a zombie runs nothing: it counts as gone here (state Z in /proc/PID/stat, proc(5)).
 */
function stat(pid: number): { state: string; pgid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields after the last ")".
    const [state, , pgid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: state!, pgid: Number(pgid) };
  } catch {
    return undefined;
  }
}

const hasProc = (() => {
  try {
    readdirSync('/proc/self');
    return true;
  } catch {
    return false;
  }
})();

/** The process runs (exists and is not a zombie). */
export function alive(pid: number): boolean {
  if (hasProc) {
    const s = stat(pid);
    return s !== undefined && s.state !== 'Z';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Some process of the group still runs (not a zombie). */
export function groupAlive(pgid: number): boolean {
  if (hasProc)
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .some((name) => {
        const s = stat(Number(name));
        return s !== undefined && s.pgid === pgid && s.state !== 'Z';
      });
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
