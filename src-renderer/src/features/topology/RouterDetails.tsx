import type { BgpView, ClusterTopology, ServiceStatus } from '@contract';
import { RichText } from '../../components/RichText';
import { claimText, routeSentence, routeTo, sessionMeasured } from './graph/build-bgp';
import { clockTime } from './graph/graph-parts';

/**
 * The router's side panel (BGP mode): the container and its wires, this machine's path to the
 * pool, what the router measured (its sessions and its table in plain words), and what the
 * nodes claim — each under its own heading, never merged.
 */
export function RouterDetails({ topology, bgp }: { topology: ClusterTopology; bgp: BgpView | undefined }) {
  const router = topology.router;
  if (!router) return <p className="muted">The router is gone.</p>;
  const pool = router.poolNetwork;
  const route = router.poolRoutes[0];
  const measured = bgp?.measured;
  return (
    <>
      <h2>Router {router.name}</h2>
      <p className="muted">
        BGP router (FRR){measured?.asn !== undefined ? `, AS ${measured.asn}` : ''} · container {router.state} ·{' '}
        {router.attachments.map((a) => `${a.network} ${a.ipv4 ?? 'no IPv4'}`).join(' · ')}
      </p>
      {pool && (
        <p>
          This machine reaches the pool on the bridge <code>{pool.bridge.name}</code> of the Docker network{' '}
          <code>{pool.name}</code> ({pool.subnets.map((s) => s.subnet).join(', ')}):{' '}
          {route ? (
            <>
              <code>{route.raw}</code> — the network’s own route; Kindscope adds no host route.
            </>
          ) : (
            "no route on this machine (on macOS, docker-mac-net-connect carries it into the engine's VM)."
          )}{' '}
          The router answers ARP there for the addresses it has routes to.
        </p>
      )}
      <h3>Measured at the router{measured?.running ? ` (vtysh, ${clockTime(measured.measuredAt)})` : ''}</h3>
      {!measured ? (
        <p className="muted">Reading the router’s tables…</p>
      ) : !measured.running ? (
        <p className="node-problem">{measured.problem ?? 'The router could not be read.'}</p>
      ) : (
        <>
          <ul className="plain-list" aria-label="Sessions measured at the router">
            {measured.sessions.length === 0 && <li>No BGP session.</li>}
            {measured.sessions.map((s) => (
              <li key={s.peer}>
                <code>{s.peer}</code>
                {s.node ? ` (${s.node})` : ''}
                {s.remoteAs !== undefined ? `, AS ${s.remoteAs}` : ''}: {sessionMeasured(s)}
              </li>
            ))}
          </ul>
          <ul className="plain-list" aria-label="The router's table">
            {measured.routes.length === 0 && <li>No route learned by BGP.</li>}
            {measured.routes.map((r) => (
              <li key={r.prefix}>{routeSentence(r, measured.measuredAt)}</li>
            ))}
          </ul>
        </>
      )}
      <h3>Claimed by the nodes (CiliumBGPNodeConfig status)</h3>
      <ul className="plain-list" aria-label="Sessions claimed by the nodes">
        {(bgp?.claimed ?? []).length === 0 && <li>No node has a CiliumBGPNodeConfig.</li>}
        {(bgp?.claimed ?? []).map((c) => (
          <li key={c.node}>
            {c.node}
            {c.localASN !== undefined ? ` (AS ${c.localASN})` : ''}: {claimText(c).replace(/^node claims: /, '')}
          </li>
        ))}
      </ul>
      {(bgp?.findings ?? []).map((f) => (
        <p key={`${f.code}:${f.message}`} className="node-problem">
          {f.message} — <RichText text={f.fix} />
        </p>
      ))}
    </>
  );
}

/** A service's route at the router (BGP mode), for its side panel: the measurement, in words. */
export function BgpServiceRoute({ service, bgp }: { service: ServiceStatus; bgp: BgpView }) {
  return (
    <>
      <dt>Router</dt>
      <dd>
        {service.externalIPs.map((ip) => {
          const route = routeTo(bgp, ip);
          return (
            <div key={ip}>
              {route
                ? routeSentence(route, bgp.measured.measuredAt)
                : `no route to ${ip} at the router (measured ${clockTime(bgp.measured.measuredAt)})`}
            </div>
          );
        })}
      </dd>
    </>
  );
}
