/**
 * Builds the lab's images once per test run, before any test file starts (vitest's and
 * Playwright's globalSetup; .ci/run also runs it as its own timed phase). On a fresh engine
 * none exist yet, and without this every parallel file that needs one would build the same
 * image at the same time. The files still call `ensure…Image()`: a cheap check once built.
 */
import { ensureBusyboxImage, ensureNodeImage, ensureRouterImage, ensureToolsImage } from './images.ts';
import { tryDocker } from './require-docker.ts';

export default function buildLabImages(): void {
  // No engine: the tests that need one fail loudly with the fix (requireDocker); pure ones still run.
  if (tryDocker(['version', '--format', '{{.Server.Version}}']).status !== 0) return;
  const started = Date.now();
  const tags = [ensureBusyboxImage(), ensureNodeImage(), ensureToolsImage(), ensureRouterImage()];
  process.stdout.write(`lab images ready in ${Date.now() - started} ms: ${tags.join(', ')}\n`);
}

if (import.meta.main) buildLabImages();
