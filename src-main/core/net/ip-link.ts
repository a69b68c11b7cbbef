import { splitIpJson, type ParseResult } from './ip-route';

export interface IpAddress {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  broadcast?: string;
  scope?: string;
  label?: string;
  dynamic?: boolean;
}

/** A link as `ip link`/`ip addr` print it (text or `-j`). */
export interface IpLink {
  ifindex: number;
  ifname: string;
  /** From `name@peer`: the peer's name (`cilium_host`) … */
  peerName?: string;
  /** … or the peer's ifindex in another namespace (`eth0@if14` → 14). */
  peerIfindex?: number;
  flags: string[];
  mtu?: number;
  qdisc?: string;
  master?: string;
  state?: string;
  mode?: string;
  group?: string;
  qlen?: number;
  linkType?: string;
  mac?: string;
  brd?: string;
  linkNetnsid?: number;
  linkNetns?: string;
  altnames: string[];
  addresses: IpAddress[];
  raw: string;
}

/** Parses `ip link` / `ip addr` text or `ip -j link` / `ip -j addr` JSON. */
export function parseIpLink(input: string): ParseResult<IpLink> {
  const json = splitIpJson(input);
  if (json) return { items: json.items.map(linkFromJson), unparsed: json.unparsed };
  const items: IpLink[] = [];
  const unparsed: string[] = [];
  let current: IpLink | undefined;
  let lastAddress: IpAddress | undefined;
  for (const line of input.split('\n')) {
    if (!line.trim()) continue;
    const header = /^(\d+):\s+([^:@\s]+)(?:@([^:\s]+))?:\s+<([^>]*)>\s*(.*)$/.exec(line);
    if (header) {
      const [, index, name, peer, flags, rest] = header;
      current = {
        ifindex: Number(index),
        ifname: name!,
        flags: flags ? flags.split(',') : [],
        altnames: [],
        addresses: [],
        raw: line,
      };
      if (peer) {
        const peerIndex = /^if(\d+)$/.exec(peer);
        if (peerIndex) current.peerIfindex = Number(peerIndex[1]);
        else current.peerName = peer;
      }
      readPairs(rest!, current);
      items.push(current);
      lastAddress = undefined;
      continue;
    }
    const body = line.trim();
    if (!current || !/^\s/.test(line)) {
      unparsed.push(line);
      continue;
    }
    current.raw += `\n${line}`;
    const link = /^link\/(\S+)(?:\s+(\S+))?(?:\s+brd\s+(\S+))?(.*)$/.exec(body);
    const address = /^(inet6?)\s+([0-9a-fA-F.:]+)\/(\d+)(.*)$/.exec(body);
    if (link) {
      current.linkType = link[1]!;
      if (link[2]) current.mac = link[2];
      if (link[3]) current.brd = link[3];
      const netnsid = /link-netnsid\s+(\d+)/.exec(link[4] ?? '');
      if (netnsid) current.linkNetnsid = Number(netnsid[1]);
      const netns = /link-netns\s+(\S+)/.exec(link[4] ?? '');
      if (netns) current.linkNetns = netns[1]!;
    } else if (address) {
      const [, family, local, prefix, rest] = address;
      lastAddress = { family: family as 'inet' | 'inet6', local: local!, prefixlen: Number(prefix) };
      const words = rest!.trim().split(/\s+/).filter(Boolean);
      for (let i = 0; i < words.length; i += 1) {
        const word = words[i]!;
        if (word === 'brd') lastAddress.broadcast = words[++i]!;
        else if (word === 'scope') lastAddress.scope = words[++i]!;
        else if (word === 'dynamic') lastAddress.dynamic = true;
        else if (
          i === words.length - 1 &&
          !['noprefixroute', 'secondary', 'deprecated', 'tentative', 'mngtmpaddr', 'permanent', 'nodad'].includes(word)
        )
          lastAddress.label = word;
      }
      current.addresses.push(lastAddress);
    } else if (/^altname\s+\S+/.test(body)) current.altnames.push(body.split(/\s+/)[1]!);
    else if (/^valid_lft/.test(body) && lastAddress) {
      // Lifetimes: nothing in the model needs them.
    } else unparsed.push(line);
  }
  return { items, unparsed };
}

function readPairs(rest: string, link: IpLink): void {
  const words = rest.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i += 2) {
    const [key, value] = [words[i]!, words[i + 1]];
    if (value === undefined) break;
    switch (key) {
      case 'mtu':
        link.mtu = Number(value);
        break;
      case 'qdisc':
        link.qdisc = value;
        break;
      case 'master':
        link.master = value;
        break;
      case 'state':
        link.state = value;
        break;
      case 'mode':
        link.mode = value;
        break;
      case 'group':
        link.group = value;
        break;
      case 'qlen':
        link.qlen = Number(value);
        break;
      default:
        break;
    }
  }
}

function linkFromJson(o: Record<string, unknown>): IpLink {
  const addrInfo = Array.isArray(o.addr_info) ? (o.addr_info as Record<string, unknown>[]) : [];
  const link: IpLink = {
    ifindex: Number(o.ifindex),
    ifname: String(o.ifname ?? ''),
    flags: Array.isArray(o.flags) ? o.flags.map(String) : [],
    altnames: Array.isArray(o.altnames) ? o.altnames.map(String) : [],
    addresses: addrInfo
      .filter((a) => a.family === 'inet' || a.family === 'inet6')
      .map((a) => ({
        family: a.family as 'inet' | 'inet6',
        local: String(a.local),
        prefixlen: Number(a.prefixlen),
        ...(typeof a.broadcast === 'string' ? { broadcast: a.broadcast } : {}),
        ...(typeof a.scope === 'string' ? { scope: a.scope } : {}),
        ...(typeof a.label === 'string' ? { label: a.label } : {}),
        ...(a.dynamic === true ? { dynamic: true } : {}),
      })),
    raw: JSON.stringify(o),
  };
  if (typeof o.link === 'string') link.peerName = o.link;
  if (typeof o.link_index === 'number') link.peerIfindex = o.link_index;
  if (typeof o.mtu === 'number') link.mtu = o.mtu;
  if (typeof o.qdisc === 'string') link.qdisc = o.qdisc;
  if (typeof o.master === 'string') link.master = o.master;
  if (typeof o.operstate === 'string') link.state = o.operstate;
  if (typeof o.linkmode === 'string') link.mode = o.linkmode;
  if (typeof o.group === 'string') link.group = o.group;
  if (typeof o.txqlen === 'number') link.qlen = o.txqlen;
  if (typeof o.link_type === 'string') link.linkType = o.link_type;
  if (typeof o.address === 'string') link.mac = o.address;
  if (typeof o.broadcast === 'string') link.brd = o.broadcast;
  if (typeof o.link_netnsid === 'number') link.linkNetnsid = o.link_netnsid;
  return link;
}

/** `ip addr` and `ip link` share one format; the name says which command made it. */
export const parseIpAddr = parseIpLink;
