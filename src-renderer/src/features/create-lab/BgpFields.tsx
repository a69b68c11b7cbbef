import { useId } from 'react';
import { LabBgp } from '@contract';
import { CheckField, FieldFindings, NumberField, SelectField, usePlanForm } from './fields';
import { findingsFor, getAt } from './plan-draft';

/**
 * How LoadBalancer IPs are made reachable (issue 29): L2 announcements, the article's way and
 * the default, or BGP — Cilium's BGP control plane peering with a router beside the lab.
 * Choosing BGP writes BGP mode's defaults into the plan, so every field shows what will be used.
 */
export function AnnounceField() {
  const { draft, update, findings } = usePlanForm();
  const id = useId();
  const value = getAt(draft, 'announce') === 'bgp' ? 'bgp' : 'l2';
  const mine = findingsFor(findings, 'announce');
  return (
    <fieldset className="wizard-field wizard-wide announce-choice" aria-describedby={`${id}-findings`}>
      <legend className="wizard-label">Announce LoadBalancer IPs with</legend>
      {(
        [
          ['l2', 'L2 announcements (as in the article)', 'A node answers ARP for each IP on the kind network.'],
          [
            'bgp',
            'BGP',
            'Cilium’s BGP control plane peers with a router beside the lab (FRR); the router learns each IP from the nodes that advertise it and routes to them (ECMP). The pool gets its own Docker network.',
          ],
        ] as const
      ).map(([mode, label, help]) => (
        <label key={mode} className="announce-option">
          <input
            type="radio"
            name={`${id}-announce`}
            value={mode}
            checked={value === mode}
            onChange={() => {
              update('announce', mode);
              if (mode === 'bgp' && getAt(draft, 'bgp') === undefined) update('bgp', LabBgp.parse({}));
            }}
          />
          <span>
            <strong>{label}</strong> <span className="wizard-help">{help}</span>
          </span>
        </label>
      ))}
      <FieldFindings findings={mine} id={`${id}-findings`} />
    </fieldset>
  );
}

/** BGP mode's settings: the ASNs, which nodes speak BGP, the lab's timers, graceful restart. */
export function BgpFields() {
  return (
    <>
      <NumberField
        path="bgp.localASN"
        label="Nodes’ ASN"
        min={64512}
        max={4294967294}
        help="The AS the nodes speak as (CiliumBGPClusterConfig localASN). Private: 64512–65534 or 4200000000–4294967294."
      />
      <NumberField
        path="bgp.routerASN"
        label="Router’s ASN"
        min={64512}
        max={4294967294}
        help="The router’s AS (the peers’ peerASN). Private, and not the nodes’ (eBGP: one next hop per node)."
      />
      <SelectField
        path="bgp.nodes"
        label="Nodes that advertise"
        options={[
          { value: 'workers', label: 'Workers only' },
          { value: 'all', label: 'All nodes' },
        ]}
        help="The CiliumBGPClusterConfig’s nodeSelector: each selected node peers with the router. Workers only leaves the control plane out, as the L2 policy does."
      />
      <NumberField
        path="bgp.holdTimeSeconds"
        label="Hold time (s)"
        min={3}
        help="A silent peer is dropped after this (Cilium’s default is 90 s; the lab’s 9 s shows a frozen node’s withdrawal quickly)."
      />
      <NumberField
        path="bgp.keepAliveTimeSeconds"
        label="Keepalive (s)"
        min={1}
        help="At most a third of the hold time (RFC 4271)."
      />
      <CheckField
        path="bgp.gracefulRestart.enabled"
        label="Graceful restart"
        help="Off for the lab: with it on, the router keeps a stopped node’s routes for the restart time (120 s) and requests go to a dead node."
      />
    </>
  );
}
