import { useEffect, useState } from 'react';

/** A run's address: the run view survives a reload because the page re-reads the run from the hash. */
export const runHash = (id: string) => `#/create-lab/run/${id}`;

export function runIdFromHash(hash: string): string | undefined {
  return /^#\/?create-lab\/run\/([a-z0-9-]{1,80})$/.exec(hash)?.[1];
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
