import type { StreamState } from '@contract';

const labels: Record<StreamState, string> = { live: 'Live', connecting: 'Connecting…', offline: 'Offline' };

export function StatusPill({ state, label }: { state: StreamState; label?: string }) {
  return (
    <span className={`pill pill-${state}`} role="status">
      <span className="pill-dot" aria-hidden="true" />
      {label ?? labels[state]}
    </span>
  );
}
