import { z } from 'zod';
import { defineCall } from './define';
import { RunRecord } from './run';

/**
 * Issue 30: moving a lab's Cilium to a newer release (`upgrade`) and back (`rollback`). The upgrade's preflight is a list
 * of items, each shown and confirmed on its own as `fix` shows its repairs. `rebuild`
 * re-creates a lab from its saved plan on a newer node image (kind cannot upgrade in place).
 */

/** What the upgrade does with one thing it found. */
export const UpgradeOutcome = z.enum([
  /** A value the target chart has: carried as it is. */
  'kept',
  /** A value the target has under another name: carried under `newName`. */
  'renamed',
  /** A value the target does not have: left out (helm would ignore it silently). */
  'dropped',
  /** The target chart refuses these values, or the cluster holds what the target removes: the upgrade stops here. */
  'blocking',
  /** A saved manifest (or stored objects) at an API version the target may not serve: the run rewrites it. */
  'rewrite',
  /** Something the step is known to break (an upstream issue), or an untested pairing: said, confirmed, not changed. */
  'warning',
  /** Checked, nothing to do (shown so the preflight says what it checked). */
  'ok',
]);
export type UpgradeOutcome = z.infer<typeof UpgradeOutcome>;

export const UpgradeItem = z.object({
  /** Stable within a preflight: what `confirmed` of lab:upgrade names (`value:l2podAnnouncements.interface`). */
  id: z.string(),
  area: z.enum(['value', 'crd', 'manifest', 'bgp', 'service', 'kubernetes']),
  outcome: UpgradeOutcome,
  title: z.string(),
  detail: z.string(),
  /** A renamed value's name in the target chart. */
  newName: z.string().optional(),
  /** What to do (blocking items: the change that lets the upgrade go on). */
  fix: z.string().optional(),
  /** Upstream issues or documents behind the item (`cilium/cilium#44222`). */
  cites: z.array(z.string()),
  /** Whether the user must confirm it before the run (every item but `kept`/`ok`; blocking ones cannot be). */
  needsConfirmation: z.boolean(),
});
export type UpgradeItem = z.infer<typeof UpgradeItem>;

export const UpgradePreflight = z.object({
  cluster: z.string(),
  /** The chart version installed now (from helm). */
  from: z.string(),
  to: z.string(),
  /** The release's revision now (what a rollback returns to). */
  revision: z.number().int().optional(),
  kubernetes: z.string().optional(),
  items: z.array(UpgradeItem),
  /** True when an item blocks: nothing will be changed. */
  blocked: z.boolean(),
  /** The values `helm upgrade` will be given (`-f`), after renames and drops. */
  values: z.record(z.string(), z.unknown()),
  /** The run's steps, shown before it runs. */
  steps: z.array(z.object({ name: z.string(), title: z.string(), command: z.string() })),
});
export type UpgradePreflight = z.infer<typeof UpgradePreflight>;

const ClusterName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'must be a kind cluster name (see `kindscope topology`)');
const CiliumVersion = z
  .string()
  .regex(/^v?\d+\.\d+\.\d+$/, 'must be a Cilium release such as 1.20.2 (see `kindscope plan --help` for the table)');
const confirmation = (what: string) =>
  z.literal(true, { error: `must be true: ${what} (confirm in the dialog, or pass --yes)` });

const RebuildInput = z
  .object({
    cluster: ClusterName,
    /** A kind release of the compatibility table: its default node image (or its newest tested one). */
    kind: z
      .string()
      .regex(/^v\d+\.\d+\.\d+$/, 'must be a kind release such as v0.30.0')
      .optional(),
    /** A node image of the compatibility table (`kindest/node:v1.34.0`, or pinned `…@sha256:…`). */
    image: z.string().max(300).optional(),
  })
  .strict();

export const RebuildPlan = z.object({
  cluster: z.string(),
  kind: z.string(),
  image: z.string(),
  kubernetes: z.string(),
  cilium: z.string(),
  /** What is deleted: node containers and the kubeconfig context. */
  deletes: z.array(z.string()),
  /** Kindscope's objects, made again from the plan. */
  carried: z.array(z.string()),
  /** What is not carried (the user's own workloads), in words. */
  notCarried: z.string(),
});
export type RebuildPlan = z.infer<typeof RebuildPlan>;

export const upgradeCalls = {
  labUpgradeTargets: defineCall(
    'lab:upgrade-targets',
    z.object({ cluster: ClusterName }).strict(),
    z.object({ from: z.string(), targets: z.array(z.string()) }),
    'The Cilium installed (from helm) and the releases Kindscope can upgrade it to (the newest patch of each newer supported minor, and of its own)',
  ),
  labUpgradePlan: defineCall(
    'lab:upgrade-plan',
    z.object({ cluster: ClusterName, cilium: CiliumVersion }).strict(),
    UpgradePreflight,
    "The upgrade's preflight, read from the live cluster and the target chart's data: each value, stored versions, saved manifests, BGP v1, trapped services, the Kubernetes pairing",
  ),
  labUpgrade: defineCall(
    'lab:upgrade',
    z
      .object({
        cluster: ClusterName,
        cilium: CiliumVersion,
        confirm: confirmation('the upgrade changes the cluster'),
        /** The items the user confirmed, by id; when absent, every item that needs confirmation. */
        confirmed: z.array(z.string().max(300)).optional(),
      })
      .strict(),
    RunRecord,
    'Backs up, rewrites manifests, helm upgrade --version TARGET with the carried values, waits, proves every IP answers; a run. Refused while an item blocks',
  ),
  labRollback: defineCall(
    'lab:rollback',
    z.object({ cluster: ClusterName, confirm: confirmation('the rollback changes the cluster') }).strict(),
    RunRecord,
    "helm rollback to the release's previous revision and the objects the last upgrade saved restored, then verified; a run",
  ),
  labRebuildPlan: defineCall(
    'lab:rebuild-plan',
    RebuildInput,
    RebuildPlan,
    'What rebuilding a lab on another node image deletes and carries, the image checked against the compatibility table',
  ),
  labRebuild: defineCall(
    'lab:rebuild',
    RebuildInput.extend({
      confirm: confirmation('rebuild deletes the cluster, and your own workloads are not carried'),
    }).strict(),
    RunRecord,
    'Deletes the lab and creates it again from its saved plan on the new node image, then verifies it; a run',
  ),
} as const;
