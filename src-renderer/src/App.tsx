import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppContext, useAppStore } from './app-context';
import { ErrorNotice } from './components/ErrorNotice';
import { ClusterListPage } from './features/clusters/ClusterListPage';
import { CreateLabPage } from './features/create-lab/CreateLabPage';
import { followAppInfo, followConnection, followEngine } from './features/home/engine-loader';
import { HomePage } from './features/home/HomePage';
import { NamesPage } from './features/names/NamesPage';
import { SettingsPage } from './features/settings/SettingsPage';
import { TroubleshootPage } from './features/troubleshoot/TroubleshootPage';
import { WelcomeDialog } from './features/welcome/WelcomeDialog';
import { areas, isArea, type Area } from './store/shell-slice';

// Topology (React Flow, the graph, and the ELK layout worker it starts) is most of the
// renderer's code and only that page needs it: a chunk of its own, fetched when it opens, so
// Home and the other pages paint without it (https://react.dev/reference/react/lazy).
const TopologyPage = lazy(() =>
  import('./features/topology/TopologyPage').then((module) => ({ default: module.TopologyPage })),
);

const areaLabels: Record<Area, string> = {
  home: 'Home',
  clusters: 'Clusters',
  'create-lab': 'Create lab',
  topology: 'Topology',
  troubleshoot: 'Troubleshoot',
  names: 'Names',
  settings: 'Settings',
};

const pages: Record<Area, () => ReactNode> = {
  home: () => <HomePage />,
  clusters: () => <ClusterListPage />,
  'create-lab': () => <CreateLabPage />,
  topology: () => (
    <Suspense
      fallback={
        <p role="status" className="muted">
          Loading Topology…
        </p>
      }
    >
      <TopologyPage />
    </Suspense>
  ),
  troubleshoot: () => <TroubleshootPage />,
  names: () => <NamesPage />,
  settings: () => <SettingsPage />,
};

function useHashNavigation() {
  const navigate = useAppStore((state) => state.navigate);
  useEffect(() => {
    const sync = () => {
      // `#/create-lab/run/<id>`: the first segment is the area, the rest is the page's own.
      const area = window.location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';
      navigate(isArea(area) ? area : 'home');
    };
    sync();
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, [navigate]);
}

export function App() {
  const context = useAppContext();
  const { area, connection, lastError, dismissError, appInfo } = useAppStore(
    useShallow((state) => ({
      area: state.area,
      connection: state.connection,
      lastError: state.lastError,
      dismissError: state.dismissError,
      appInfo: state.appInfo,
    })),
  );
  useHashNavigation();

  useEffect(() => {
    const stopEngine = followEngine(context);
    const stopInfo = followAppInfo(context);
    const stopConnection = followConnection(context);
    return () => {
      stopEngine();
      stopInfo();
      stopConnection();
    };
  }, [context]);

  return (
    <div className="shell">
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
        <p className="sidebar-footer muted">
          {appInfo ? `v${appInfo.version} · ${appInfo.transport === 'serve' ? 'browser' : appInfo.transport}` : ''}
        </p>
      </nav>
      <main className="content">
        {connection !== 'live' && (
          <ErrorNotice
            title="Disconnected"
            error={{
              code: 'TRANSPORT',
              message:
                connection === 'connecting'
                  ? 'Connecting to the Kindscope server…'
                  : 'Lost the connection to the Kindscope server.',
              hint: 'Check that `npm run serve` is still running; this page reconnects by itself.',
            }}
          />
        )}
        {lastError && <ErrorNotice error={lastError} onDismiss={dismissError} />}
        {/* While disconnected the page shows the last data it had: greyed and inert, never as live. */}
        <div
          className={connection === 'live' ? 'page' : 'page page-stale'}
          inert={connection !== 'live'}
          aria-label={connection === 'live' ? undefined : 'Last known data (disconnected)'}
        >
          {pages[area]()}
        </div>
      </main>
      <WelcomeDialog />
    </div>
  );
}
