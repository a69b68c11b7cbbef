import { ciliumConfig } from './cilium-rules';
import type { DiagnoseInput } from './diagnose-input';

/**
 * A release that announces by BGP, not L2: the BGP control plane on and L2 announcements off
 * (what BGP mode's values set; the chart writes both keys into cilium-config). There nobody
 * answers ARP for a LoadBalancer IP on the kind bridge by design — the router answers on the
 * pool's own network — so the L2 rules (leases, policies, a pool inside the kind network) are
 * not causes; BGP mode's own rules (core/bgp/bgp-doctor.ts) take their place.
 */
export function announcesByBgp(input: DiagnoseInput): boolean {
  const config = ciliumConfig(input);
  return (
    Boolean(config) && config!['enable-bgp-control-plane'] === 'true' && config!['enable-l2-announcements'] !== 'true'
  );
}
