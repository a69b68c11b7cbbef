/**
 * The layout runs off the main thread: elkjs's worker script registers its own
 * `self.onmessage` dispatcher when loaded in a worker (elkjs lib/elk-worker.js). Vite
 * bundles this file into /assets, so the CSP's `script-src 'self'` covers it (no blob:).
 */
import 'elkjs/lib/elk-worker.min.js';
