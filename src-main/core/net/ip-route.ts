/** A route as `ip route` prints it (text or `-j`). */
export interface IpRoute {
  /** unicast (default), local, broadcast, blackhole, unreachable, prohibit, multicast, … */
  type: string;
  /** `default` or an address/CIDR. */
  dst: string;
  via?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  src?: string;
  metric?: number;
  mtu?: number;
  table?: string;
  flags: string[];
  /** A trailing `# …` comment someone added to the output. */
  comment?: string;
  raw: string;
}

export interface ParseResult<T> {
  items: T[];
  /** Lines (or fragments) that were not understood: kept, never fatal, never dropped. */
  unparsed: string[];
}

const routeTypes = new Set([
  'unicast',
  'local',
  'broadcast',
  'multicast',
  'throw',
  'unreachable',
  'prohibit',
  'blackhole',
  'nat',
  'anycast',
]);
const flagWords = new Set([
  'linkdown',
  'onlink',
  'pervasive',
  'offload',
  'trap',
  'notify',
  'dead',
  'rt_offload',
  'rt_trap',
]);
const keyValue = new Set([
  'via',
  'dev',
  'proto',
  'scope',
  'src',
  'metric',
  'mtu',
  'table',
  'advmss',
  'pref',
  'expires',
  'realm',
  'initcwnd',
  'hoplimit',
  'weight',
  'nhid',
  'rtt',
  'window',
]);

/** Parses `ip route` (text) or `ip -j route` (JSON, including the invalid JSON of old iproute2). */
export function parseIpRoute(input: string): ParseResult<IpRoute> {
  const json = splitIpJson(input);
  if (json) {
    const items = json.items.map(routeFromJson).map((route) => ({ ...route, raw: formatIpRoute(route) }));
    return { items, unparsed: json.unparsed };
  }
  const items: IpRoute[] = [];
  const unparsed: string[] = [];
  for (const line of input.split('\n')) {
    if (!line.trim()) continue;
    const route = parseRouteLine(line);
    if (route) items.push(route);
    else unparsed.push(line);
  }
  return { items, unparsed };
}

function parseRouteLine(line: string): IpRoute | undefined {
  const hash = line.indexOf(' #');
  const comment = hash >= 0 ? line.slice(hash + 2).trim() : undefined;
  const body = (hash >= 0 ? line.slice(0, hash) : line).trim();
  if (!body || body.startsWith('#')) return undefined;
  const words = body.split(/\s+/);
  let type = 'unicast';
  if (routeTypes.has(words[0]!)) type = words.shift()!;
  const dst = words.shift();
  if (!dst || !(dst === 'default' || /^[0-9a-fA-F.:]+(\/\d+)?$/.test(dst))) return undefined;
  const route: IpRoute = { type, dst, flags: [], raw: line, ...(comment ? { comment } : {}) };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    if (keyValue.has(word) && words[i + 1] !== undefined) {
      const value = words[++i]!;
      switch (word) {
        case 'via':
          route.via = value;
          break;
        case 'dev':
          route.dev = value;
          break;
        case 'proto':
          route.protocol = value;
          break;
        case 'scope':
          route.scope = value;
          break;
        case 'src':
          route.src = value;
          break;
        case 'metric':
          route.metric = Number(value);
          break;
        case 'mtu':
          route.mtu = Number(value === 'lock' ? words[++i] : value);
          break;
        case 'table':
          route.table = value;
          break;
        default:
          break;
      }
    } else if (flagWords.has(word)) route.flags.push(word);
    else return undefined;
  }
  return route;
}

function routeFromJson(object: Record<string, unknown>): IpRoute {
  const metrics = Array.isArray(object.metrics) ? (object.metrics as Record<string, unknown>[]) : [];
  const mtu = metrics.find((m) => typeof m.mtu === 'number')?.mtu as number | undefined;
  return {
    type: typeof object.type === 'string' ? object.type : 'unicast',
    dst: String(object.dst ?? ''),
    ...(typeof object.gateway === 'string' ? { via: object.gateway } : {}),
    ...(typeof object.dev === 'string' ? { dev: object.dev } : {}),
    ...(typeof object.protocol === 'string' ? { protocol: object.protocol } : {}),
    ...(typeof object.scope === 'string' ? { scope: object.scope } : {}),
    ...(typeof object.prefsrc === 'string' ? { src: object.prefsrc } : {}),
    ...(typeof object.metric === 'number' ? { metric: object.metric } : {}),
    ...(mtu !== undefined ? { mtu } : {}),
    ...(typeof object.table === 'string' ? { table: object.table } : {}),
    flags: Array.isArray(object.flags) ? object.flags.map(String) : [],
    raw: '',
  };
}

/** A route in `ip route` text form (for routes read as JSON). */
export function formatIpRoute(route: Omit<IpRoute, 'raw'>): string {
  return [
    route.type !== 'unicast' ? route.type : '',
    route.dst,
    route.via ? `via ${route.via}` : '',
    route.dev ? `dev ${route.dev}` : '',
    route.table ? `table ${route.table}` : '',
    route.protocol ? `proto ${route.protocol}` : '',
    route.scope ? `scope ${route.scope}` : '',
    route.src ? `src ${route.src}` : '',
    route.metric !== undefined ? `metric ${route.metric}` : '',
    route.mtu !== undefined ? `mtu ${route.mtu}` : '',
    ...route.flags,
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * When the input is `ip -j` output (a JSON array, possibly after a few lines of text such
 * as a `# source:` header), its objects and every line not understood; else undefined.
 */
export function splitIpJson(input: string): ParseResult<Record<string, unknown>> | undefined {
  const trimmed = input.trim();
  const jsonStart = trimmed.search(/^\[|\n\[/);
  if (jsonStart < 0) return undefined;
  const before = trimmed
    .slice(0, jsonStart)
    .split('\n')
    .filter((l) => l.trim());
  const json = parseIpJsonArray(trimmed.slice(jsonStart).trim());
  return { items: json.items, unparsed: [...before, ...json.unparsed] };
}

/**
 * Parses the JSON array iproute2 prints. Old versions printed invalid JSON (a bare
 * `"broadcast",` before the keys, iproute2/iproute2#37) and captures get truncated:
 * repaired where the meaning is certain, the rest kept as unparsed text.
 */
export function parseIpJsonArray(text: string): ParseResult<Record<string, unknown>> {
  try {
    const value = JSON.parse(text) as unknown;
    if (Array.isArray(value)) return { items: value.filter(isRecord), unparsed: [] };
  } catch {
    // Repaired below.
  }
  const items: Record<string, unknown>[] = [];
  const unparsed: string[] = [];
  // Split into top-level objects by brace depth, ignoring braces inside strings.
  let depth = 0;
  let start = -1;
  let inString = false;
  let consumed = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (char === '}') {
      depth -= 1;
      if (depth === 0 && start >= 0) {
        const fragment = text.slice(start, i + 1);
        const repaired = fragment.replace(/^\{"(\w+)",/, '{"type":"$1",');
        try {
          const value = JSON.parse(repaired) as unknown;
          if (isRecord(value)) items.push(value);
          else unparsed.push(fragment);
        } catch {
          unparsed.push(fragment);
        }
        consumed = i + 1;
        start = -1;
      }
    }
  }
  const rest = text
    .slice(consumed)
    .replace(/^[\s,\]]+/, '')
    .trim();
  if (rest) unparsed.push(rest);
  return { items, unparsed };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
