import type { BgpView } from '../../contract';
import type { CliCommand } from '../cli-command';
import { ExitCode } from '../output';

/** The claim and the measurement as two sections, each worded as what it is. */
export function formatBgp(view: BgpView): string {
  const claimed = view.claimed.length
    ? view.claimed
        .map((node) => {
          const peers = node.peers.length
            ? node.peers
                .map(
                  (p) =>
                    `    peer ${p.name} ${p.peerAddress}${p.peerASN ? ` AS ${p.peerASN}` : ''}: ${p.peeringState ?? 'no state reported'}${p.establishedTime ? ` since ${p.establishedTime}` : ''}${p.advertised !== undefined ? `, ${p.advertised} prefix(es) advertised` : ''}`,
                )
                .join('\n')
            : '    no session status reported yet';
          return `  ${node.node}${node.localASN ? ` (AS ${node.localASN})` : ''}\n${peers}`;
        })
        .join('\n')
    : '  no CiliumBGPNodeConfig: no node is selected by a CiliumBGPClusterConfig, or the BGP control plane is off';
  const m = view.measured;
  const sessions = m.sessions.length
    ? m.sessions
        .map(
          (s) =>
            `    ${s.peer}${s.node ? ` (${s.node})` : ''}${s.remoteAs ? ` AS ${s.remoteAs}` : ''}: ${s.state}${s.uptimeMs !== undefined && s.state === 'Established' ? `, up ${Math.round(s.uptimeMs / 1000)} s` : ''}${s.prefixesReceived !== undefined ? `, ${s.prefixesReceived} prefix(es) received` : ''}`,
        )
        .join('\n')
    : '    none';
  const routes = m.routes.length
    ? m.routes
        .map(
          (r) =>
            `    ${r.prefix}${r.service ? ` (${r.service})` : ''} via ${r.nextHops.map((h) => `${h.ip}${h.node ? ` (${h.node})` : ''}${h.installed ? '' : ' [not in FIB]'}`).join(', ') || 'nothing'}`,
        )
        .join('\n')
    : '    none';
  return [
    `Claimed by the nodes (CiliumBGPNodeConfig status, written by each agent):`,
    claimed,
    `Measured at the router ${m.router} (${m.running ? `vtysh, ${m.measuredAt}` : m.problem}):`,
    '  sessions:',
    sessions,
    '  routes learned by BGP (next hops; in the FIB unless marked):',
    routes,
    ...(view.findings.length ? ['Findings:', ...view.findings.map((f) => `  ✗ ${f.message}\n    fix: ${f.fix}`)] : []),
    '',
  ].join('\n');
}

export const bgpCommand: CliCommand = {
  name: 'bgp',
  summary: 'BGP mode: what the nodes claim about their sessions, and what the router measured (sessions, next hops)',
  help: `kindscope bgp --cluster NAME [--json]

Two views of a BGP lab, kept apart: the claim — each node's CiliumBGPNodeConfig status as its
Cilium agent writes it (sessions, state, prefixes advertised) — and the measurement — the
router's own tables read now through the engine (\`vtysh -c 'show bgp summary json'\`,
\`vtysh -c 'show ip route json'\` in <cluster>-router): its sessions and, for each
LoadBalancer IP, the next hops it learned and installed. --json prints
{ cluster, claimed: [...], measured: { router, measuredAt, sessions, routes } }.
Findings (a session down explained by the ASNs the router measured, the router not running,
no node config) come with their fix. Exit 1 when the router cannot be read or there is a finding.`,
  options: { cluster: { type: 'string' } },
  positionals: true,
  async run({ client, values, fail, usageError, print, positionals }) {
    const cluster = typeof values.cluster === 'string' ? values.cluster : positionals[0];
    if (!cluster) return usageError('bgp needs --cluster NAME');
    const result = await client.invoke('cluster:bgp', { cluster });
    if (!result.ok) return fail(result.error);
    print(result.value, formatBgp(result.value));
    return result.value.measured.running && result.value.findings.length === 0 ? ExitCode.ok : ExitCode.failed;
  },
};
