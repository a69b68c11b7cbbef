import type { TopologyRoute } from '@contract';
import { RichText } from '../../components/RichText';

/** Route lines with their plain-words explanations (the old cards' text, now in the side panel). */
export function RouteList({ label, routes }: { label: string; routes: Pick<TopologyRoute, 'raw' | 'explanation'>[] }) {
  if (routes.length === 0) return <p className="muted">No routes read yet.</p>;
  return (
    <ul className="routes" aria-label={label}>
      {routes.map((route) => (
        <li key={route.raw}>
          <code>{route.raw}</code>
          <span className="route-explanation">
            <RichText text={route.explanation} />
          </span>
        </li>
      ))}
    </ul>
  );
}
