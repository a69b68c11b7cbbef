import ELK from 'elkjs/lib/elk-api.js';
import type { LayoutEngine } from './layout';

/**
 * elkjs with its layout in a Web Worker built from this app's own origin (`script-src
 * 'self'` covers it; no blob:, no eval). Should the worker fail to start — the desktop app
 * serves the renderer from its own `kindscope://` scheme, which the lab cannot run — the
 * layout falls back to elkjs's bundled build on the main thread (loaded only then), so the
 * page still draws.
 */
export function createWorkerLayoutEngine(): LayoutEngine & { dispose(): void } {
  let fallback: Promise<LayoutEngine> | undefined;
  const pending = new Set<(error: Error) => void>();
  const useFallback = () =>
    (fallback ??= import('elkjs/lib/elk.bundled.js').then(({ default: Bundled }) => new Bundled()));
  const elk = new ELK({
    workerFactory: () => {
      const worker = new Worker(new URL('./elk-layout.worker.ts', import.meta.url), {
        type: 'module',
        name: 'topology-layout',
      });
      worker.addEventListener('error', () => {
        void useFallback();
        for (const reject of pending) reject(new Error('the layout worker failed to start'));
        pending.clear();
      });
      return worker;
    },
  });
  const layout: LayoutEngine['layout'] = async (graph) => {
    if (fallback) return (await fallback).layout(graph);
    try {
      return await new Promise<Awaited<ReturnType<LayoutEngine['layout']>>>((resolve, reject) => {
        pending.add(reject);
        elk
          .layout(graph)
          .then(resolve, reject)
          .finally(() => pending.delete(reject));
      });
    } catch {
      return (await useFallback()).layout(graph);
    }
  };
  return { layout: layout as LayoutEngine['layout'], dispose: () => elk.terminateWorker() };
}
