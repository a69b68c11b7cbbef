import { CheckField, FixedField, NumberField, SelectField, TextField, UntestedPairingField } from './fields';
import { getAt, type PlanDraft } from './plan-draft';

/** Failover needs a second node that may hold the lease (the policy leaves control planes out). */
export function FailoverHint({ draft }: { draft: PlanDraft }) {
  const workers = Number(getAt(draft, 'cluster.workers'));
  if (!(workers < 2)) return null;
  return (
    <p className="wizard-hint" role="note" aria-label="Failover hint">
      With {workers === 1 ? 'one worker' : 'no worker'}, {workers === 1 ? 'that node is the only one' : 'no node'} the
      L2 policy lets hold a LoadBalancer IP: if it stops, nobody takes over. Use 2 workers to watch failover (Cilium
      moves the lease in about the lease duration).
    </p>
  );
}

export function ClusterStep({ draft }: { draft: PlanDraft }) {
  return (
    <div className="wizard-grid">
      <TextField
        path="cluster.name"
        label="Cluster name"
        help={
          <>
            Nodes become containers named <code>{String(getAt(draft, 'cluster.name') || 'NAME')}-control-plane</code>,{' '}
            <code>…-worker</code>; kubectl gets context{' '}
            <code>kind-{String(getAt(draft, 'cluster.name') || 'NAME')}</code>.
          </>
        }
      />
      <NumberField
        path="cluster.workers"
        label="Workers"
        min={0}
        max={9}
        help="Nodes that run pods and may answer for LoadBalancer IPs; the article uses one."
      />
      <FailoverHint draft={draft} />
      <NumberField
        path="cluster.controlPlanes"
        label="Control planes"
        min={1}
        max={9}
        help="More than one puts kind's HAProxy in front (Cilium then talks to <name>-external-load-balancer)."
      />
      <SelectField
        path="cluster.ipFamily"
        label="IP family"
        options={[
          { value: 'ipv4', label: 'IPv4' },
          { value: 'dual', label: 'Dual stack (IPv4 + IPv6)' },
        ]}
        help="IPv4 is what the L2 announcements and the pool here use; dual stack also turns on Cilium's IPv6."
      />
      <TextField
        path="cluster.podSubnet"
        label="Pod subnet"
        help="Each node gets a /24 from it as its podCIDR; Cilium uses those (ipam mode kubernetes). Must stay outside the kind network."
      />
      <TextField
        path="cluster.serviceSubnet"
        label="Service subnet"
        help="ClusterIPs; Cilium's kube-proxy replacement translates them. kind's default 10.96.0.0/16."
      />
      <FixedField
        label="Node image"
        value={String(getAt(draft, 'cluster.nodeImage'))}
        help={
          <>
            Pinned by digest from the kind {String(getAt(draft, 'cluster.kindVersion'))} release note: kind only
            promises images built for its own release.
          </>
        }
      />
      <FixedField
        label="Default CNI"
        value="disableDefaultCNI: true"
        help="Cilium is the CNI: with kindnet also installed the two would fight over pod routes."
      />
      <FixedField
        label="kube-proxy"
        value="kubeProxyMode: none"
        help="Cilium's kube-proxy replacement handles Services and LoadBalancer IPs; a kube-proxy beside it would program conflicting rules."
      />
    </div>
  );
}

export function CiliumStep({ draft }: { draft: PlanDraft }) {
  const l2 = getAt(draft, 'cilium.l2announcements.enabled') === true;
  const native = getAt(draft, 'cilium.routingMode') === 'native';
  return (
    <div className="wizard-grid">
      <TextField
        path="cilium.version"
        label="Cilium chart version"
        help="A release the compatibility table lists as tested on this node image's Kubernetes."
      />
      <UntestedPairingField />
      <SelectField
        path="cilium.ipamMode"
        label="IPAM mode"
        options={[
          { value: 'kubernetes', label: 'kubernetes (node podCIDRs)' },
          { value: 'cluster-pool', label: 'cluster-pool (chart default)' },
        ]}
        help="kubernetes: pods get addresses from each node's podCIDR, so the 10.244.x routes are real; cluster-pool hands out 10.0.0.0/8 on its own."
      />
      <TextField
        path="cilium.k8sServiceHost"
        label="API server host"
        placeholder={`${String(getAt(draft, 'cluster.name') || 'NAME')}-control-plane`}
        help="Without kube-proxy, the agents need the API server's address: empty means the control-plane node (the article's typo here stops Cilium)."
      />
      <NumberField
        path="cilium.k8sServicePort"
        label="API server port"
        min={1}
        max={65535}
        help="6443 inside the kind network (the host's random port is only for kubectl)."
      />
      <TextField
        path="cilium.devices"
        list
        label="Devices"
        help="Interfaces Cilium attaches to, comma-separated; kind nodes have eth0 (the article's net0 does not exist)."
      />
      <CheckField
        path="cilium.l2announcements.enabled"
        label="L2 announcements"
        help="A node answers ARP for each LoadBalancer IP, so this machine reaches it on the Docker bridge."
      />
      {l2 && (
        <fieldset className="wizard-fieldset">
          <legend>Lease timings (failover takes about lease duration + retry period)</legend>
          <TextField
            path="cilium.l2announcements.leaseDuration"
            label="Lease duration"
            help="How long a lease lives without renewal: roughly how long an IP stays silent when its holder dies."
          />
          <TextField
            path="cilium.l2announcements.leaseRenewDeadline"
            label="Renew deadline"
            help="How long the holder keeps trying to renew before giving up; must be shorter than the duration."
          />
          <TextField
            path="cilium.l2announcements.leaseRetryPeriod"
            label="Retry period"
            help="Wait between renewal attempts; shorter than the renew deadline. Short timings cost API calls."
          />
        </fieldset>
      )}
      <NumberField
        path="cilium.operatorReplicas"
        label="Operator replicas"
        min={1}
        help="Operator pods repel each other: not more than the nodes, or the extra ones stay Pending."
      />
      <SelectField
        path="cilium.routingMode"
        label="Routing mode"
        options={[
          { value: 'tunnel', label: 'tunnel (VXLAN)' },
          { value: 'native', label: 'native' },
        ]}
        help="tunnel works anywhere; native routes pod CIDRs directly between the nodes on kind's shared L2."
      />
      {native && (
        <TextField
          path="cilium.ipv4NativeRoutingCIDR"
          label="Native routing CIDR"
          help="The range Cilium routes without masquerading: the pod subnet."
        />
      )}
      {native && (
        <CheckField
          path="cilium.autoDirectNodeRoutes"
          label="Direct node routes"
          help="Each node gets routes to the others' pod CIDRs (they share one L2 network)."
        />
      )}
      <CheckField
        path="cilium.externalIPs"
        label="External IPs"
        help="Cilium also serves Services' spec.externalIPs."
      />
    </div>
  );
}

export function SampleStep({ draft }: { draft: PlanDraft }) {
  const enabled = getAt(draft, 'sample.enabled') === true;
  return (
    <div className="wizard-grid">
      <CheckField
        path="sample.enabled"
        label="Deploy a sample app"
        help="An nginx Deployment and a LoadBalancer Service: the IP Kindscope proves answers from this machine."
      />
      {enabled && (
        <>
          <TextField path="sample.name" label="App name" help="The Deployment and the Service share it." />
          <TextField path="sample.namespace" label="Namespace" help="Where both are created." />
          <TextField path="sample.image" label="Image" help="Pulled by the nodes; nginx answers HTTP on port 80." />
          <NumberField
            path="sample.replicas"
            label="Replicas"
            min={1}
            help="Two pods show the Service balancing between them."
          />
          <NumberField
            path="sample.port"
            label="Port"
            min={1}
            max={65535}
            help="The Service port on the LoadBalancer IP."
          />
        </>
      )}
      {!enabled && (
        <p className="wizard-hint">
          Without the sample, the run ends once Cilium, the pool and the policy are in place: there is no IP to prove.
        </p>
      )}
    </div>
  );
}
