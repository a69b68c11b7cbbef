import { useEffect } from 'react';
import { useAppContext, useAppStore } from '../../app-context';
import { StatusPill } from '../../components/StatusPill';
import { followClusterList } from '../clusters/cluster-list-loader';

/** The kind clusters on this engine, found from Docker labels; each opens in Topology. */
export function ClustersCard() {
  const context = useAppContext();
  const clusters = useAppStore((state) => state.clusters);
  const selectCluster = useAppStore((state) => state.selectCluster);
  useEffect(() => followClusterList(context), [context]);
  return (
    <section className="card" aria-labelledby="clusters-title">
      <header className="card-header">
        <h2 id="clusters-title">Kind clusters</h2>
      </header>
      {!clusters && <p className="muted">Looking for kind clusters…</p>}
      {clusters?.length === 0 && (
        <p className="muted">None on this engine yet. Create one with Create lab, or `kind create cluster`.</p>
      )}
      {clusters && clusters.length > 0 && (
        <ul className="cluster-list" aria-label="Kind clusters">
          {clusters.map((cluster) => (
            <li key={cluster.name}>
              <a href="#/topology" onClick={() => selectCluster(cluster.name)}>
                {cluster.name}
              </a>
              <StatusPill
                state={cluster.running === cluster.nodes ? 'live' : cluster.running === 0 ? 'offline' : 'connecting'}
                label={`${cluster.running}/${cluster.nodes} nodes running`}
              />
              <span className="muted">
                network {cluster.networks.join(', ') || '-'}
                {cluster.apiServer ? ` · API ${cluster.apiServer.address}:${cluster.apiServer.port}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
