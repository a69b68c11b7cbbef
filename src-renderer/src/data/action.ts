import type { AppError, CallId, CallInput, CallOutput, KindscopeClient, Result } from '@contract';

export interface ActionState<T> {
  busy: boolean;
  /** The last answer (a capture, a ping, a started run). */
  value: T | undefined;
  /** The last failure; cleared by the next run. */
  error: AppError | undefined;
}

/**
 * One user operation on the main process (start a run, capture, ping, fix): the write half of
 * the data layer (see data/README.md). Remembers whether it is running and its last answer, so
 * a view shows "Pinging…" and the result without its own `useState`. A second run while one is
 * in flight is refused (the buttons are disabled meanwhile), so two answers never race.
 */
export class Action<Id extends CallId> {
  private state: ActionState<CallOutput<Id>> = { busy: false, value: undefined, error: undefined };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: KindscopeClient,
    readonly call: Id,
  ) {}

  readonly getState = (): ActionState<CallOutput<Id>> => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async run(input: CallInput<Id>): Promise<Result<CallOutput<Id>>> {
    if (this.state.busy)
      return {
        ok: false,
        error: { code: 'CANCELLED', message: `${this.call} is already running`, hint: 'Wait for it to finish.' },
      };
    this.publish({ ...this.state, busy: true, error: undefined });
    const result = await this.client.invoke(this.call, input);
    this.publish(
      result.ok
        ? { busy: false, value: result.value, error: undefined }
        : { busy: false, value: this.state.value, error: result.error },
    );
    return result;
  }

  /** Forgets the last answer and error (a dismissed notice, another target). */
  reset(): void {
    if (this.state.value === undefined && this.state.error === undefined) return;
    this.publish({ busy: this.state.busy, value: undefined, error: undefined });
  }

  private publish(next: ActionState<CallOutput<Id>>): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
