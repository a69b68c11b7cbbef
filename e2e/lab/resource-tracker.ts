import { AsyncResource, createHook, executionAsyncId, type AsyncHook } from 'node:async_hooks';

/** A handle or request still open: its async_hooks type, where it was made, and its PID for a child process. */
export interface OpenResource {
  type: string;
  stack: string;
  pid?: number;
}

/**
 * What a piece of code opened in this process, and what of it is still open — the evidence
 * for "nothing of the app is left": Node's own async_hooks, not the app's word. Everything
 * started inside {@link run}/{@link call} is followed through its async descendants (a
 * timer set in a promise continuation of an exec's answer is the app's too); everything
 * else in the process (the test runner, the test's own fault proxy) is not counted.
 * A resource counts as open from its `init` until its `destroy` (a timer cleared or fired,
 * a socket or child process handle closed); see {@link holdsSomething} for what is listed.
 */
export class ResourceTracker {
  private readonly root = new AsyncResource('kindscope-tracked');
  private readonly ours = new Set<number>([this.root.asyncId()]);
  private readonly open = new Map<number, { type: string; stack: string; resource: object }>();
  /** Every child process started inside, by PID (its handle's `pid` once spawned). */
  private readonly processes: object[] = [];
  private readonly hook: AsyncHook;

  constructor() {
    this.hook = createHook({
      init: (id, type, trigger, resource) => {
        if (!this.ours.has(trigger) && !this.ours.has(executionAsyncId())) return;
        this.ours.add(id);
        if (!holdsSomething(type)) return;
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 40;
        const stack = (new Error().stack ?? '').split('\n').slice(2).join('\n');
        Error.stackTraceLimit = limit;
        this.open.set(id, { type, stack, resource });
        if (type === 'PROCESSWRAP') this.processes.push(resource);
      },
      destroy: (id) => void this.open.delete(id),
    });
    this.hook.enable();
  }

  /** Runs `fn` inside the tracked context: what it opens, now or later, is followed. */
  run<T>(fn: () => T): T {
    return this.root.runInAsyncScope(fn);
  }

  /**
   * Runs an async `fn` inside the tracked context and hands its result to a promise made
   * outside it, so the caller's code after `await` is not counted as the app's.
   */
  call<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.root.runInAsyncScope(fn).then(resolve, reject);
    });
  }

  /** What is still open, leaving out `ignore` (e.g. a library's own process-wide ticker). */
  stillOpen(ignore: (resource: OpenResource) => boolean = () => false): OpenResource[] {
    return [...this.open.values()]
      .map(({ type, stack, resource }) => ({ type, stack, ...pidOf(type, resource) }))
      .filter((resource) => !ignore(resource));
  }

  /** The PIDs of every child process started inside. */
  get pids(): number[] {
    return this.processes.map((handle) => (handle as { pid?: number }).pid).filter((pid) => typeof pid === 'number');
  }

  dispose(): void {
    this.hook.disable();
  }
}

/**
 * What can be left behind: a timer or immediate, or a native handle or request (sockets,
 * pipes, child processes, file watchers, UDP, DNS and fs requests: the `…WRAP` types and fs
 * requests). JavaScript-only resources (promises, a stream's end-of-stream binding, an HTTP
 * parser's resource) hold nothing of the operating system and are destroyed only when
 * garbage-collected, so they are followed for ancestry but never listed.
 */
function holdsSomething(type: string): boolean {
  // TLSWRAP is TLS over a TCPWRAP (listed while that socket is open); the wrap itself is
  // destroyed only when collected, like the JavaScript-only resources.
  if (type === 'TLSWRAP') return false;
  return type === 'Timeout' || type === 'Immediate' || type.endsWith('WRAP') || type.startsWith('FSREQ');
}

function pidOf(type: string, resource: object): { pid?: number } {
  const pid = type === 'PROCESSWRAP' ? (resource as { pid?: number }).pid : undefined;
  return typeof pid === 'number' ? { pid } : {};
}

/** Lets the event loop turn `count` times (a closed handle's destroy hook is emitted a turn or two after its close). */
export async function turns(count = 10): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Whether a process, or anyone in its process group (the runner starts each in its own), still exists. */
export function alive(pid: number): boolean {
  for (const target of [pid, -pid]) {
    try {
      process.kill(target, 0);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPERM') return true;
    }
  }
  return false;
}
