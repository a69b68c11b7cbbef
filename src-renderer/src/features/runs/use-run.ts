import { useEffect, useRef, useState } from 'react';
import type { AppError, RunRecord, RunStep } from '@contract';
import { useEvent, useQuery } from '../../data/hooks';

/** One run's journal: read once, then kept current by `lab:run-changed` (the run goes on in the main process). */
export function useRun(id: string): { run?: RunRecord; error?: AppError } {
  const { value: run, error } = useQuery(
    'lab:run',
    { id },
    // A pushed change is newer than any answer asked before it (the query drops that answer).
    { patch: { 'lab:run-changed': (_current, record) => (record.id === id ? record : undefined) } },
  );
  return { ...(run ? { run } : {}), ...(error ? { error } : {}) };
}

/**
 * A step's log: the file as kept on disk, then the lines pushed while it runs. Lines are
 * collected outside React and drawn once per animation frame, so a chatty step (kind's
 * progress, helm) never renders per line. Re-read from disk whenever the step's state
 * changes, so what is shown at the end is exactly the file.
 */
export function useStepLog(runId: string, step: RunStep | undefined): { lines: readonly string[]; error?: AppError } {
  const linesRef = useRef<string[]>([]);
  const frame = useRef<number | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const name = step?.name;
  const redraw = () => {
    frame.current ??= requestAnimationFrame(() => {
      frame.current = undefined;
      setVersion((v) => v + 1);
    });
  };
  useEffect(
    () => () => {
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
    },
    [],
  );
  // Lines go straight to the ref (STYLE rule 10: log lines stay out of React state).
  useEvent('lab:run-log-line', (line) => {
    if (!name || line.run !== runId || line.step !== name) return;
    linesRef.current.push(...line.line.split('\n'));
    redraw();
  });
  const file = useQuery('lab:run-log', name ? { id: runId, step: name } : undefined, {
    deps: [step?.state, step?.attempts],
  });
  useEffect(() => {
    if (!file.value) return;
    const text = file.value.text.replace(/\n$/, '');
    linesRef.current = text ? text.split('\n') : [];
    redraw();
    // `redraw` only schedules a frame; the file's text is what this follows.
  }, [file.value]);
  // `version` changes whenever the lines did; the array is copied so the view sees a new length.
  const lines = useLinesSnapshot(linesRef, version);
  return { lines, ...(file.error ? { error: file.error } : {}) };
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
