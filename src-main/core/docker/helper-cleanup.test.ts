import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expiresLabel, helperLabel, ownerLabel, removeOrphanHelpers } from './helper-containers';

/** A PID that ran and has ended. */
const deadPid = () => spawnSync('true').pid!;

describe("removing other Kindscopes' helpers", () => {
  it('removes those whose owner is gone or whose expiry passed, and keeps a live owner’s unexpired one', async () => {
    const now = Date.now();
    const helpers: { Id: string; Labels: Record<string, string> }[] = [
      { Id: 'dead-owner', Labels: { [helperLabel]: 'capture', [ownerLabel]: String(deadPid()) } },
      {
        Id: 'expired',
        Labels: { [helperLabel]: 'capture', [ownerLabel]: String(process.pid), [expiresLabel]: String(now - 1) },
      },
      {
        Id: 'live',
        Labels: { [helperLabel]: 'capture', [ownerLabel]: String(process.pid), [expiresLabel]: String(now + 60_000) },
      },
      { Id: 'live-no-expiry', Labels: { [helperLabel]: 'netns-reader', [ownerLabel]: String(process.pid) } },
      { Id: 'old-capture', Labels: { [helperLabel]: 'capture', 'io.kindscope.capture.expires': String(now - 1) } },
      { Id: 'old-reader', Labels: { [helperLabel]: 'netns-reader' } },
    ];
    const removed: string[] = [];
    await removeOrphanHelpers(
      {
        listContainers: async () => helpers,
        getContainer: (id) => ({ remove: async () => removed.push(id) }),
      },
      now,
    );
    expect(removed.sort()).toEqual(['dead-owner', 'expired', 'old-capture', 'old-reader'].sort());
  });
});
