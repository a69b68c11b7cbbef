import { areaLabels, areas, type Area } from './areas';

/** The app's navigation: every area, the current one marked; `footer` says which version and transport. */
export function Sidebar({ area, footer }: { area: Area | undefined; footer: string }) {
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Kindscope</span>
      </div>
      <ul>
        {areas.map((id) => (
          <li key={id}>
            <a href={`#/${id}`} className="nav-link" aria-current={area === id ? 'page' : undefined}>
              {areaLabels[id]}
            </a>
          </li>
        ))}
      </ul>
      <p className="sidebar-footer muted">{footer}</p>
    </nav>
  );
}
