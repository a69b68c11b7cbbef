import { useEffect, useState } from 'react';

import type { RunRecord } from '@contract';

/**
 * A run's address: the run view survives a reload because the page re-reads the run from the
 * hash. A create run lives under Create lab; fix, stop, start and delete under Clusters, where
 * they were started — so the sidebar shows the page the user came from.
 */
export const runHash = (id: string, kind: RunRecord['kind'] = 'create') =>
  `#/${kind === 'create' ? 'create-lab' : 'clusters'}/run/${id}`;

export function runIdFromHash(hash: string): string | undefined {
  return /^#\/?(?:create-lab|clusters)\/run\/([a-z0-9-]{1,80})$/.exec(hash)?.[1];
}

export function useRunIdFromHash(): string | undefined {
  const [id, setId] = useState(() => runIdFromHash(window.location.hash));
  useEffect(() => {
    const sync = () => setId(runIdFromHash(window.location.hash));
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, []);
  return id;
}
