import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppContext, useAppStore } from './app-context';
import { ErrorNotice } from './components/ErrorNotice';
import { followAppInfo, followConnection, followEngine } from './features/home/engine-loader';
import { HomePage } from './features/home/HomePage';
import { WelcomeDialog } from './features/welcome/WelcomeDialog';
import { areaLabels, isArea, type Area } from './shell/areas';
import { PageBoundary } from './shell/PageBoundary';
import { Sidebar } from './shell/Sidebar';

// Only Home is in the first load: every other page is a chunk of its own, fetched when it
// opens (https://react.dev/reference/react/lazy), so the first paint parses Home's code and
// no more. Topology (React Flow, the graph, and the ELK layout worker it starts) is most of
// the renderer's code; the smaller pages are fetched in the background once Home has painted,
// so opening them is as quick as before.
const TopologyPage = lazy(() =>
  import('./features/topology/TopologyPage').then((module) => ({ default: module.TopologyPage })),
);
const laterPages = {
  clusters: () => import('./features/clusters/ClusterListPage').then((module) => ({ default: module.ClusterListPage })),
  'create-lab': () =>
    import('./features/create-lab/CreateLabPage').then((module) => ({ default: module.CreateLabPage })),
  troubleshoot: () =>
    import('./features/troubleshoot/TroubleshootPage').then((module) => ({ default: module.TroubleshootPage })),
  names: () => import('./features/names/NamesPage').then((module) => ({ default: module.NamesPage })),
  settings: () => import('./features/settings/SettingsPage').then((module) => ({ default: module.SettingsPage })),
} as const;
const ClusterListPage = lazy(laterPages.clusters);
const CreateLabPage = lazy(laterPages['create-lab']);
const TroubleshootPage = lazy(laterPages.troubleshoot);
const NamesPage = lazy(laterPages.names);
const SettingsPage = lazy(laterPages.settings);

/**
 * Once the page has loaded (its `load` event: not held up by them) and is idle: fetch the smaller
 * pages' chunks, so opening one is as quick as before they were split out. Never Topology's.
 */
function usePrefetchPages() {
  useEffect(() => {
    let idle: number | undefined;
    const prefetch = () => {
      for (const load of Object.values(laterPages)) void load().catch(() => undefined);
    };
    const whenIdle = () => {
      idle =
        typeof window.requestIdleCallback === 'function'
          ? window.requestIdleCallback(prefetch, { timeout: 2000 })
          : window.setTimeout(prefetch, 200);
    };
    if (document.readyState === 'complete') whenIdle();
    else window.addEventListener('load', whenIdle, { once: true });
    return () => {
      window.removeEventListener('load', whenIdle);
      if (idle === undefined) return;
      if (typeof window.cancelIdleCallback === 'function') window.cancelIdleCallback(idle);
      else window.clearTimeout(idle);
    };
  }, []);
}

function Loading({ label }: { label: string }) {
  return (
    <p role="status" className="muted">
      Loading {label}…
    </p>
  );
}

const pages: Record<Area, () => ReactNode> = {
  home: () => <HomePage />,
  clusters: () => <ClusterListPage />,
  'create-lab': () => <CreateLabPage />,
  topology: () => <TopologyPage />,
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
  usePrefetchPages();

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
      <Sidebar
        area={area}
        footer={appInfo ? `v${appInfo.version} · ${appInfo.transport === 'serve' ? 'browser' : appInfo.transport}` : ''}
      />
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
          <PageBoundary key={area} page={areaLabels[area]}>
            <Suspense fallback={<Loading label={areaLabels[area]} />}>{pages[area]()}</Suspense>
          </PageBoundary>
        </div>
      </main>
      <WelcomeDialog />
    </div>
  );
}
