/**
 * Calls that change this machine or a cluster (build or delete a lab, stop a node, wire the
 * OS resolver, download a tool). Tests that throw generated input at every call send these
 * only input their schema refuses: a valid one would really do it. Add a call here when it
 * has such an effect.
 */
export const callsWithEffects: ReadonlySet<string> = new Set([
  'tools:download',
  'dns:apply-wiring',
  'dns:serve',
  'lab:create',
  'lab:resume',
  'lab:cancel',
  'lab:cleanup',
  'lab:stop',
  'lab:start',
  'lab:delete',
  'lab:fix',
  'capture:failover',
  'capture:failover-recover',
  'connectivity:fix',
  'connectivity:remove',
]);
