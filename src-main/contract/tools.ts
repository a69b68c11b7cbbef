import { z } from 'zod';

export const ToolName = z.enum(['kind', 'helm', 'kubectl', 'cilium', 'docker', 'brew']);
export type ToolName = z.infer<typeof ToolName>;

export const ToolSource = z.enum(['settings', 'managed', 'process PATH', 'login shell PATH', 'common location']);
export type ToolSource = z.infer<typeof ToolSource>;

export const ToolStatus = z.object({
  name: ToolName,
  status: z.enum(['ok', 'too-old', 'missing', 'broken', 'not-applicable']),
  path: z.string().optional(),
  version: z.string().optional(),
  source: ToolSource.optional(),
  minimum: z.string(),
  /** What is wrong and what to do, when status is not ok. */
  problem: z.string().optional(),
  fix: z.string().optional(),
  managed: z.object({ available: z.boolean(), version: z.string().optional(), installed: z.boolean() }),
});
export type ToolStatus = z.infer<typeof ToolStatus>;

const Sourced = z.object({ value: z.string().optional(), source: z.string().optional() });

export const ToolsReport = z.object({
  tools: z.array(ToolStatus),
  environment: z.object({
    loginShell: z.object({ status: z.enum(['loaded', 'pending', 'failed']), problem: z.string().optional() }),
    path: z.array(
      z.object({
        dir: z.string(),
        source: z.string(),
        /** False for a folder that is not on this machine (e.g. /opt/homebrew/bin on Linux). */
        exists: z.boolean().optional(),
        /** Put there by `npm run` (node_modules/.bin, npm's node-gyp-bin), not by the user. */
        addedBy: z.literal('npm').optional(),
      }),
    ),
    kubeconfig: Sourced,
    dockerHost: Sourced,
    dockerContext: Sourced,
  }),
});
export type ToolsReport = z.infer<typeof ToolsReport>;

export const DownloadProgress = z.object({
  tool: ToolName,
  receivedBytes: z.number(),
  totalBytes: z.number().optional(),
});
export type DownloadProgress = z.infer<typeof DownloadProgress>;
