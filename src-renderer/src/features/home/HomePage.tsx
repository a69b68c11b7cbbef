import { ClustersCard } from './ClustersCard';
import { EngineCard } from './EngineCard';

export function HomePage() {
  return (
    <>
      <header className="page-header">
        <h1>Home</h1>
        <p className="muted">
          Your kind + Cilium lab at a glance. Kindscope uses the same engine as the docker CLI and kind.
        </p>
      </header>
      <EngineCard />
      <ClustersCard />
    </>
  );
}
