import nodeModule from 'node:module';

/**
 * Node's on-disk cache of compiled code (`module.enableCompileCache`, Node >= 22.8): from the
 * second start on, the CLI and serve read their modules' compiled code instead of compiling it
 * again — loading @kubernetes/client-node alone is ~0.5 s of a one-shot `status` (issue 31).
 * TypeScript's own `tsc` does the same. Where: `NODE_COMPILE_CACHE`, else `node-compile-cache`
 * in the OS temp folder; `NODE_DISABLE_COMPILE_CACHE=1` turns it off; a folder that cannot be
 * written is Node's to skip (it returns a status, it does not throw).
 *
 * The default import, not `{ enableCompileCache }`: a named import of a function an older Node
 * lacks is a SyntaxError when the module links — before node-guard.mjs, bundled into the same
 * chunk, could print its one line on Node 20.
 */
export function useCompileCache(): void {
  try {
    (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  } catch {
    // An unusable cache: start without it.
  }
}
