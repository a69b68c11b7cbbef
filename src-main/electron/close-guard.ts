import type { KindscopeClient, RunRecord } from '../contract';

/**
 * Closing the window while a run builds, fixes or starts a lab: the run lives in the main
 * process, so the window may go while it goes on — but only once the user has said so.
 * Pure decisions here (tested); `main.ts` wires them to the window and the dialog.
 */
export interface CloseQuestion {
  message: string;
  detail: string;
  /** Index 0 keeps the window (the default and Escape), index 1 closes it. */
  buttons: [string, string];
}

const verbs: Record<RunRecord['kind'], string> = {
  create: 'building',
  fix: 'fixing',
  start: 'starting',
  stop: 'stopping',
  delete: 'deleting',
  upgrade: 'upgrading',
  rollback: 'rolling back',
  rebuild: 'rebuilding',
};

export function closeQuestion(running: readonly RunRecord[]): CloseQuestion | undefined {
  if (running.length === 0) return undefined;
  const names = running.map((run) => `${verbs[run.kind]} ${run.cluster}`);
  return {
    message:
      running.length === 1
        ? `Kindscope is still ${names[0]}.`
        : `Kindscope is still running ${running.length} runs: ${names.join(', ')}.`,
    detail:
      'Closing the window does not stop it: ' +
      'the run goes on in the background and Kindscope quits when it ends. ' +
      'Open Kindscope again to watch it, or cancel it from the run view.',
    buttons: ['Keep the window open', 'Close the window'],
  };
}

/** The runs in flight, as the run service journals them. */
export async function runningRuns(client: KindscopeClient): Promise<RunRecord[]> {
  const result = await client.invoke('lab:runs', {});
  return result.ok ? result.value.runs.filter((run) => run.state === 'running') : [];
}

/**
 * Resolves once no run is running any more (each change of a run is pushed): the moment an
 * app whose windows are all closed may quit.
 */
export function whenRunsEnd(client: KindscopeClient): Promise<void> {
  return new Promise((resolve) => {
    const check = () =>
      void runningRuns(client).then((running) => {
        if (running.length > 0) return;
        stop();
        resolve();
      });
    const stop = client.subscribe('lab:run-changed', (run) => {
      if (run.state !== 'running') check();
    });
    check();
  });
}
