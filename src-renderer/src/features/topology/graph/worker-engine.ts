import ELK from 'elkjs/lib/elk-api.js';
import type { LayoutEngine } from './layout';

/** elkjs with its layout in a Web Worker built from this app's own origin. */
export function createWorkerLayoutEngine(): LayoutEngine & { dispose(): void } {
  const elk = new ELK({ workerFactory: () => new Worker(new URL('./elk-layout.worker.ts', import.meta.url), { type: 'module', name: 'topology-layout' }) });
  return { layout: (graph) => elk.layout(graph), dispose: () => elk.terminateWorker() };
}
