import { nodeAddress, type ClusterStatus } from '@contract';
import { useAppStore } from '../../app-context';
import { useAction } from '../../data/hooks';
import { StatusPill } from '../../components/StatusPill';

/** Ping each node's address (its container's now) from this machine, with the explanation (and the route fix on macOS). */
export function NodePings({ status }: { status: ClusterStatus }) {
  return (
    <section className="card" aria-label="Ping nodes from this machine">
      <h2>
        Nodes <span className="muted small">of cluster {status.cluster}</span>
      </h2>
      <ul className="services">
        {status.nodes.map((node) => (
          <NodePing
            key={node.name}
            cluster={status.cluster}
            node={node.name}
            ip={nodeAddress(node)}
            claimed={node.containerIP && node.internalIP !== node.containerIP ? node.internalIP : undefined}
          />
        ))}
      </ul>
    </section>
  );
}

function NodePing({
  cluster,
  node,
  ip,
  claimed,
}: {
  cluster: string;
  node: string;
  /** The address the container has now (what the ping goes to). */
  ip: string | undefined;
  /** Kubernetes' InternalIP when it differs from `ip` (the node's address changed after a restart). */
  claimed: string | undefined;
}) {
  const showError = useAppStore((state) => state.showError);
  const ping = useAction('capture:ping');
  const { busy, value: result } = ping;
  const run = async () => {
    const answer = await ping.run({ cluster, node });
    if (!answer.ok) showError(answer.error);
  };
  return (
    <li aria-label={`Node ${node}`}>
      <div className="service-main">
        <strong>{node}</strong>
        <code>{ip ?? 'no InternalIP'}</code>
        {claimed && <span className="muted">Kubernetes still says {claimed}</span>}
        <span className="spacer" />
        <button type="button" className="button" disabled={busy || !ip} onClick={() => void run()}>
          {busy ? 'Pinging…' : `Ping ${node}`}
        </button>
      </div>
      {result && (
        <div className="check-result" role="region" aria-label={`Ping result for ${node}`}>
          <StatusPill
            state={result.verdict === 'reachable' ? 'live' : 'offline'}
            label={result.verdict === 'reachable' ? 'Reachable' : 'Unreachable'}
          />
          <p>{result.explanation}</p>
          {result.fix && <p className="muted small">Fix: {result.fix}</p>}
        </div>
      )}
    </li>
  );
}
