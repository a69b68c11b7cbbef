import { runTool } from '../tools/run-tool';

export interface NeighbourEntry {
  state: string;
  mac?: string;
  dev?: string;
}

/** This machine's neighbour (ARP) entry for an address: `ip -j neigh show ADDR` (Linux; undefined elsewhere). */
export async function readNeighbour(ip: string): Promise<NeighbourEntry | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const result = await runTool('ip', 'ip', ['-j', 'neigh', 'show', ip], { signal: AbortSignal.timeout(3_000) });
    const entries = JSON.parse(result.stdout || '[]') as {
      dst: string;
      dev?: string;
      lladdr?: string;
      state?: string[];
    }[];
    const entry = entries.find((e) => e.dst === ip);
    return entry
      ? {
          state: (entry.state ?? ['UNKNOWN']).join(','),
          ...(entry.lladdr ? { mac: entry.lladdr } : {}),
          ...(entry.dev ? { dev: entry.dev } : {}),
        }
      : { state: 'NONE' };
  } catch {
    return undefined;
  }
}
