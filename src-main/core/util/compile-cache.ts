import { enableCompileCache } from 'node:module';

/**
 * Node's on-disk cache of compiled code (`module.enableCompileCache`, Node >= 22.1): from the
 * second start on, the CLI and serve read their modules' compiled code instead of compiling it
 * again — loading @kubernetes/client-node alone is ~0.5 s of a one-shot `status` (issue 31).
 * TypeScript's own `tsc` does the same. Where: `NODE_COMPILE_CACHE`, else `node-compile-cache`
 * in the OS temp folder; `NODE_DISABLE_COMPILE_CACHE=1` turns it off. Never fails a start: a
 * cache that cannot be written is Node's to skip.
 */
export function useCompileCache(): void {
  try {
    enableCompileCache?.();
  } catch {
    // An unusable cache folder: start without it.
  }
}
