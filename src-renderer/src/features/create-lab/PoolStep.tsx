import type { PlanValidation } from './use-plan-validation';
import { AddressBar } from './AddressBar';
import { AnnounceField, BgpFields } from './BgpFields';
import { CheckField, FieldFindings, SelectField, TextField } from './fields';
import { getAt, type PlanDraft } from './plan-draft';

export function PoolStep({ draft, validation }: { draft: PlanDraft; validation?: PlanValidation }) {
  const auto = getAt(draft, 'pool.cidr') === 'auto';
  // No kind network yet (a fresh engine): what the run will do, in the validation's own words.
  const atRun = validation?.findings.find((f) => f.code === 'pool-carved-at-run');
  const bgp = getAt(draft, 'announce') === 'bgp';
  return (
    <div className="wizard-grid">
      <AnnounceField />
      <section className="wizard-wide" aria-label="The kind network">
        {bgp ? (
          <p className="wizard-picked" role="status" aria-label="Pool outside the kind network">
            BGP mode: the pool lies outside the kind network, on a Docker network of its own where the router answers
            for its addresses: this machine reaches it through that network’s bridge, with no host route.
          </p>
        ) : validation?.network ? (
          <AddressBar
            network={validation.network}
            {...(validation.poolCidr ? { poolCidr: validation.poolCidr } : {})}
          />
        ) : atRun ? (
          <p className="wizard-picked" role="status" aria-label="Pool carved at run time">
            The pool is {atRun.message.replace(/^pool\.cidr is auto: the pool is /, '').replace(/\.$/, '')}. The run
            shows the block it carved.
          </p>
        ) : (
          <p className="wizard-hint">
            The <code>kind</code> network does not exist yet (kind creates it with the first cluster), or the engine
            could not be read: the pool is carved from it when the run starts.
          </p>
        )}
        {/* What the bar could not show: other clusters' pools that were not readable, an unread engine. */}
        <FieldFindings
          findings={(validation?.findings ?? []).filter(
            (f) => f.code === 'pools-not-checked' || f.code === 'engine-not-checked',
          )}
          id="pool-network-notes"
        />
        {auto && validation?.poolCidr && (
          <p className="wizard-picked" role="status" aria-label="Picked pool">
            Kindscope picked <code>{validation.poolCidr}</code>: free of every node, the gateway and other clusters'
            pools.
          </p>
        )}
      </section>
      <TextField
        path="pool.cidr"
        label="Pool CIDR"
        help={
          bgp
            ? 'auto carves a free private block outside the kind network (10.250.0.0/16 first); a block inside it is refused: in BGP mode nobody answers ARP there.'
            : 'auto carves a free block; or give a block inside the kind network — ARP from this machine reaches only addresses on that bridge.'
        }
      />
      {getAt(draft, 'cluster.ipFamily') === 'dual' && (
        <TextField
          path="pool.ipv6Cidr"
          label="IPv6 block"
          placeholder="none"
          help="Dual stack only, when you want one: an IPv6 block added to the pool for services that ask for IPv6 (L2 announcements answer NDP from Cilium 1.19). Not carved: give it by hand."
        />
      )}
      <SelectField
        path="pool.allowFirstLastIPs"
        label="First and last IPs"
        options={[
          { value: 'No', label: 'No (skip .0 and .255)' },
          { value: 'Yes', label: 'Yes (use every address)' },
        ]}
        help="Written explicitly: Cilium changed this default in 1.16."
      />
      <TextField path="pool.name" label="Pool name" help="The CiliumLoadBalancerIPPool object." />
      {bgp && <BgpFields />}
      {!bgp && (
        <>
          <TextField
            path="l2Policy.interfaces"
            list
            label="Announce on interfaces"
            help="Regexes of interfaces that answer ARP; each must match one of Cilium's devices (the article's warning)."
          />
          <CheckField
            path="l2Policy.excludeControlPlane"
            label="Leave control planes out"
            help="Only workers hold LoadBalancer IPs, as the article's policy does."
          />
          <CheckField
            path="l2Policy.externalIPs"
            label="Announce external IPs too"
            help="Also answer ARP for Services' spec.externalIPs."
          />
        </>
      )}
    </div>
  );
}
