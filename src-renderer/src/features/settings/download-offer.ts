import type { ToolStatus } from '@contract';

/**
 * The managed download is offered only where it helps: for a missing, broken or too-old
 * tool, or one older than the pinned version. Beside a Ready tool of the same (or a newer)
 * version a "Download" button reads like an update prompt; say the copy is there instead.
 */
export function downloadOffer(tool: ToolStatus): 'button' | 'installed-copy' | 'none' {
  const pinned = tool.managed.version;
  if (!tool.managed.available || !pinned) return 'none';
  if (tool.status !== 'ok') return 'button';
  if (tool.source === 'managed') return 'none';
  if (tool.version && compareVersions(tool.version, pinned) < 0) return 'button';
  return tool.managed.installed ? 'installed-copy' : 'none';
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] || 0) - (pb[i] || 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
