import type { ClusterState } from './kind-standin.ts';

/**
 * What "Starting control-plane" does in the lab. The Docker side (LAB.md §1) is complete
 * without it; the simulated API server (LAB.md §2) plugs in here.
 */
export const controlPlaneHooks = {
  start(_state: ClusterState): void {},
  installDefaultCni(_state: ClusterState): void {},
  stop(_name: string): void {},
};
