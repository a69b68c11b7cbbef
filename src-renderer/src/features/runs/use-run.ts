import { useEffect, useRef, useState } from 'react';
import type { AppError, RunRecord, RunStep } from '@contract';
import { useAppContext } from '../../app-context';

/** One run's journal: read once, then kept current by `lab:run-changed` (the run goes on in the main process). */
export function useRun(id: string): { run?: RunRecord; error?: AppError } {
  const { client } = useAppContext();
  const [run, setRun] = useState<RunRecord>();
  const [error, setError] = useState<AppError>();
  useEffect(() => {
    setRun(undefined);
    setError(undefined);
    let latest: string | undefined;
    const stop = client.subscribe('lab:run-changed', (record) => {
      if (record.id !== id) return;
      latest = record.updatedAt;
      setRun(record);
    });
    void client.invoke('lab:run', { id }).then((result) => {
      if (!result.ok) return setError(result.error);
      // A pushed change may have arrived first; keep whichever is newer.
      if (!latest || result.value.updatedAt >= latest) setRun(result.value);
    });
    return stop;
  }, [client, id]);
  return { ...(run ? { run } : {}), ...(error ? { error } : {}) };
}

/**
 * A step's log: the file as kept on disk, then the lines pushed while it runs. Lines are
 * collected outside React and drawn once per animation frame, so a chatty step (kind's
 * progress, helm) never renders per line. Re-read from disk whenever the step's state
 * changes, so what is shown at the end is exactly the file.
 */
export function useStepLog(runId: string, step: RunStep | undefined): { lines: readonly string[]; error?: AppError } {
  const { client } = useAppContext();
  const linesRef = useRef<string[]>([]);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<AppError>();
  const name = step?.name;
  const state = step?.state;
  const attempts = step?.attempts;
  useEffect(() => {
    if (!name) return;
    let frame: number | undefined;
    const redraw = () => {
      frame ??= requestAnimationFrame(() => {
        frame = undefined;
        setVersion((v) => v + 1);
      });
    };
    const stop = client.subscribe('lab:run-log-line', (line) => {
      if (line.run !== runId || line.step !== name) return;
      linesRef.current.push(...line.line.split('\n'));
      redraw();
    });
    void client.invoke('lab:run-log', { id: runId, step: name }).then((result) => {
      if (!result.ok) return setError(result.error);
      setError(undefined);
      const text = result.value.text.replace(/\n$/, '');
      linesRef.current = text ? text.split('\n') : [];
      redraw();
    });
    return () => {
      stop();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [client, runId, name, state, attempts]);
  // `version` changes whenever the lines did; the array is copied so the view sees a new length.
  const lines = useLinesSnapshot(linesRef, version);
  return { lines, ...(error ? { error } : {}) };
}

function useLinesSnapshot(ref: { current: string[] }, version: number): readonly string[] {
  const [snapshot, setSnapshot] = useState<readonly string[]>([]);
  useEffect(() => setSnapshot(ref.current.slice()), [ref, version]);
  return snapshot;
}

/** Now, refreshed every second while `active` (for the running step's elapsed time). */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
