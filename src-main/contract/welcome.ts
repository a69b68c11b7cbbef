import { z } from 'zod';
import { defineCall } from './define';

/** Something Kindscope will create on this machine, and where it goes. */
export const PlannedArtifact = z.object({ what: z.string(), where: z.string() });
export type PlannedArtifact = z.infer<typeof PlannedArtifact>;

/** The `kindscope` CLI bundled in the installed app, and linking it onto PATH. */
export const CliLink = z.object({
  /** The bundled single executable; absent outside an installed app (e.g. `npm start`). */
  bundledPath: z.string().optional(),
  /** Where the link goes: a folder on PATH the user can write without sudo. */
  linkPath: z.string(),
  /** The command that makes the link, shown before it runs (and to copy instead). */
  command: z.string(),
  state: z.enum(['linked', 'not-linked', 'occupied', 'unavailable']),
  /** Why it is occupied or unavailable, and what to do. */
  problem: z.string().optional(),
  /** True when linkPath's folder is on the PATH a login shell sets. */
  onPath: z.boolean(),
});
export type CliLink = z.infer<typeof CliLink>;

export const WelcomeState = z.object({
  /** True on the installed app's first run, until dismissed. */
  show: z.boolean(),
  creates: z.array(PlannedArtifact),
  cli: CliLink,
});
export type WelcomeState = z.infer<typeof WelcomeState>;

const NoInput = z.object({}).strict();

/** The first-run welcome (issue 20, item 6). */
export const welcomeCalls = {
  welcomeState: defineCall(
    'welcome:state',
    NoInput,
    WelcomeState,
    'Whether to show the first-run welcome, what Kindscope will create and where, and the CLI link',
  ),
  welcomeDismiss: defineCall(
    'welcome:dismiss',
    NoInput,
    z.object({ seenAt: z.string() }),
    'Remembers that the welcome was seen (settings.json)',
  ),
  cliLink: defineCall(
    'cli:link',
    NoInput,
    CliLink,
    'Links the bundled `kindscope` CLI into ~/.local/bin (no sudo); refuses to replace another file',
  ),
} as const;
