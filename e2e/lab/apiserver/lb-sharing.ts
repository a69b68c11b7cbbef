/**
 * LB-IPAM sharing keys and what the L2 announcer makes of them, by the installed version.
 *
 * LB-IPAM (Documentation/network/lb-ipam.rst, "Sharing Keys", cilium/cilium#28806): services with
 * the same `lbipam.cilium.io/sharing-key` (or the older `io.cilium/lb-ipam-sharing-key`) get the
 * same IP when their ports do not collide; across namespaces only where both services allow it with
 * `lbipam.cilium.io/sharing-cross-namespace` (the other's namespace, or "*").
 *
 * L2 announcements (cilium/cilium#44222, "From 1.18.6 upgrade to 1.19 breaks l2 Announcement with
 * sharing key", labelled affects/v1.19; no fixed patch is named in the thread or in
 * ../shared/FACTS.md): from 1.19 the services sharing one IP stop answering but one. The lab keeps
 * the oldest service of each shared IP (then by namespace/name) answering and leaves the others'
 * ports silent, their leases still taken. Before 1.19 every one answers; each runs its own
 * election, so two nodes may answer ARP for the IP (cilium/cilium#48419, still open).
 */
import type { KubeObject as Obj } from './kube-object.ts';

export const sharingKeyOf = (service: Obj): string | undefined =>
  service.metadata?.annotations?.['lbipam.cilium.io/sharing-key'] ??
  service.metadata?.annotations?.['io.cilium/lb-ipam-sharing-key'];

const crossNamespace = (service: Obj): string[] =>
  String(service.metadata?.annotations?.['lbipam.cilium.io/sharing-cross-namespace'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const mayShare = (a: Obj, b: Obj): boolean => {
  if (a.metadata.namespace === b.metadata.namespace) return true;
  const allows = (x: Obj, y: Obj) => crossNamespace(x).some((n) => n === '*' || n === y.metadata.namespace);
  return allows(a, b) && allows(b, a);
};

const portsOf = (service: Obj): string[] =>
  ((service.spec?.ports ?? []) as Obj[]).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`);

const idOf = (s: Obj) => `${s.metadata.namespace}/${s.metadata.name}`;

/**
 * The IP a service gets through its sharing key: one already given to a compatible service, if
 * any. `assigned` holds the IPs given in the current pass (`namespace/name` → IP), not yet in the
 * services' status.
 */
export function sharedAddress(
  service: Obj,
  services: readonly Obj[],
  assigned: ReadonlyMap<string, string> = new Map(),
): string | undefined {
  const key = sharingKeyOf(service);
  if (!key) return undefined;
  const ipOf = (s: Obj) => (s.status?.loadBalancer?.ingress?.[0]?.ip as string | undefined) ?? assigned.get(idOf(s));
  for (const other of services) {
    if (idOf(other) === idOf(service) || sharingKeyOf(other) !== key || !mayShare(service, other)) continue;
    const ip = ipOf(other);
    if (!ip) continue;
    // Every service already on that IP must leave this one's ports free.
    const onIp = services.filter((s) => idOf(s) !== idOf(service) && ipOf(s) === ip);
    const taken = new Set(onIp.flatMap(portsOf));
    if (portsOf(service).every((p) => !taken.has(p))) return ip;
  }
  return undefined;
}

const atLeast119 = (version: string) => {
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  return major > 1 || (major === 1 && minor >= 19);
};

/**
 * `namespace/name` of the L2-announced services that the installed version leaves unanswered:
 * from 1.19, all but one of the services sharing one IP through a sharing key.
 */
export function silencedBySharing(version: string, services: readonly Obj[]): Set<string> {
  const silenced = new Set<string>();
  if (!atLeast119(version)) return silenced;
  const byIp = new Map<string, Obj[]>();
  for (const service of services) {
    const ip = service.status?.loadBalancer?.ingress?.[0]?.ip as string | undefined;
    if (ip && sharingKeyOf(service)) byIp.set(ip, [...(byIp.get(ip) ?? []), service]);
  }
  for (const group of byIp.values()) {
    if (group.length < 2) continue;
    const ordered = [...group].sort(
      (a, b) =>
        String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) ||
        `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
    for (const service of ordered.slice(1)) silenced.add(`${service.metadata.namespace}/${service.metadata.name}`);
  }
  return silenced;
}

/** Whether a node still announces `vip` for another port (`wanted`: `vip:port` → `node|…`), so withdrawing one port keeps the address. */
export function vipStillAnnounced(wanted: ReadonlyMap<string, string>, vip: string, node: string): boolean {
  return [...wanted].some(([key, value]) => key.startsWith(`${vip}:`) && value.split('|')[0] === node);
}
