import type { RunRecord } from '@contract';
import { addressesOf } from './verification';

/**
 * A start run's node addresses: each node's address before and now, kept or not, and why not —
 * a node back on another address is what breaks a kind cluster next (kubernetes-sigs/kind#2045).
 */
export function NodeAddresses({ run }: { run: RunRecord }) {
  const outcomes = addressesOf(run);
  if (outcomes.length === 0) return null;
  const changed = outcomes.filter((o) => !o.kept);
  return (
    <section className="card" aria-label="Node addresses">
      <h2>Node addresses</h2>
      <p className={changed.length === 0 ? 'cell-ok' : 'cell-warn'}>
        {changed.length === 0
          ? 'Every node got its old address back.'
          : `${changed.length} node${changed.length === 1 ? '' : 's'} could not keep ${changed.length === 1 ? 'its' : 'their'} address: the API server and kubelets may still use the old one.`}
      </p>
      <ul className="plain-list">
        {outcomes.map((o) => (
          <li key={o.node} aria-label={`Address of ${o.node}`}>
            <strong>{o.node}</strong>{' '}
            {o.kept ? (
              <>
                kept <code>{o.after}</code>
              </>
            ) : (
              <>
                <code>{o.before ?? 'no recorded address'}</code> → <code>{o.after ?? 'no address'}</code>
                {o.reason ? <span className="muted"> — {o.reason}</span> : null}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
