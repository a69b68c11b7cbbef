/** LB-IPAM pools and label selectors as Cilium reads them. */
import { matchesLabels } from './selectors.ts';
import type { KubeObject as Obj } from './kube-object.ts';

export function selectorMatches(selector: Obj | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const requirements = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
      key,
      op: 'eq' as const,
      value: String(value),
    })),
    ...((selector.matchExpressions ?? []) as Obj[]).map((e) =>
      e.operator === 'In'
        ? { key: e.key, op: 'in' as const, values: e.values }
        : e.operator === 'NotIn'
          ? { key: e.key, op: 'notin' as const, values: e.values }
          : e.operator === 'Exists'
            ? { key: e.key, op: 'exists' as const }
            : { key: e.key, op: 'notexists' as const },
    ),
  ];
  return matchesLabels(labels, requirements);
}

/** The addresses of a pool: blocks (cidr, start/stop) or the older cidrs; first/last excluded unless allowFirstLastIPs. */
export function poolAddresses(pool: Obj): string[] {
  const blocks = [...((pool.spec?.blocks ?? []) as Obj[]), ...((pool.spec?.cidrs ?? []) as Obj[])];
  const allowEdges = pool.spec?.allowFirstLastIPs === 'Yes';
  const addresses: string[] = [];
  for (const block of blocks) {
    if (block.cidr && !String(block.cidr).includes(':')) {
      const [base, bits] = String(block.cidr).split('/');
      const start = ipToInt(base!);
      const size = 2 ** (32 - Number(bits));
      for (let i = 0; i < size && addresses.length < 4096; i += 1) {
        if (!allowEdges && size > 2 && (i === 0 || i === size - 1)) continue;
        addresses.push(intToIp(start + i));
      }
    } else if (block.start && !String(block.start).includes(':')) {
      const from = ipToInt(block.start);
      const to = block.stop ? ipToInt(block.stop) : from;
      for (let ip = from; ip <= to && addresses.length < 4096; ip += 1) addresses.push(intToIp(ip));
    }
  }
  return addresses;
}

export const ipToInt = (ip: string) => ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
export const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
