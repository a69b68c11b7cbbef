import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { AppError } from './errors';
import { AnsweredBy, Finding, LeaseHolder, Proof } from './cluster-status';
import { ConnectivityHop } from './connectivity';

/** A step's life: pending → running → done | failed | cancelled; `skipped` when not needed. */
export const StepState = z.enum(['pending', 'running', 'done', 'failed', 'cancelled', 'skipped']);
export type StepState = z.infer<typeof StepState>;

/** What a run made, so that cleanup removes exactly that and nothing else. */
export const CreatedResource = z.object({
  kind: z.enum([
    'kind-cluster',
    'kubeconfig-context',
    'helm-release',
    'manifest',
    'container',
    'docker-network',
    'file',
  ]),
  /** The name as the tool knows it: cluster name, context, `namespace/name` of a release or object. */
  name: z.string(),
  /** For manifests: `kind apiVersion` of the object, the kubeconfig context it lives in. */
  detail: z.string().optional(),
});
export type CreatedResource = z.infer<typeof CreatedResource>;

export const RunStep = z.object({
  name: z.string(),
  title: z.string(),
  state: StepState,
  /** The exact command or API call the step runs, shown before it runs. */
  command: z.string(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  /** Wall time of the last attempt (ms). */
  ms: z.number().optional(),
  /** 0–1 where the step can tell. */
  progress: z.number().min(0).max(1).optional(),
  /** What the step is waiting for right now (e.g. "cilium-abcde: ContainerCreating"). */
  detail: z.string().optional(),
  /** The step's own log on disk. */
  logPath: z.string(),
  error: AppError.optional(),
  /** How many times the step ran (resume runs only the failed and later steps). */
  attempts: z.number().int().min(0),
});
export type RunStep = z.infer<typeof RunStep>;

export const RunState = z.enum(['running', 'done', 'failed', 'cancelled', 'cleaned']);
export type RunState = z.infer<typeof RunState>;

/** A run's journal as stored on disk: it survives a restart of Kindscope. */
export const RunRecord = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** What the run does: build a lab, fix one, start or stop it. */
  kind: z.enum(['create', 'fix', 'start', 'stop', 'delete', 'upgrade', 'rollback', 'rebuild']),
  cluster: z.string(),
  state: RunState,
  createdAt: z.string(),
  updatedAt: z.string(),
  steps: z.array(RunStep),
  created: z.array(CreatedResource),
  /** Facts later steps need and the result shows (external IP, lease holder, …). */
  facts: z.record(z.string(), z.unknown()),
  /** The folder holding journal.json and the step logs. */
  dir: z.string(),
  /** The process running it (a CLI `create` and the window may both follow one run). */
  owner: z.object({ pid: z.number().int(), startedAt: z.string() }).optional(),
});
export type RunRecord = z.infer<typeof RunRecord>;

/**
 * What a run measured of one LoadBalancer IP from this machine: the claim (`leaseHolder`,
 * from the Lease) and the measurement (`answeredBy`, the MAC the neighbour entry resolved to
 * after the HTTP probe) side by side. A create run keeps it in `facts.verification`; fix and
 * start runs keep one per IP in `facts.verifications`.
 */
export const Verification = z.object({
  ip: z.string(),
  port: z.number(),
  http: z.object({
    ok: z.boolean(),
    status: z.number().optional(),
    body: z.string().optional(),
    error: z.string().optional(),
    ms: z.number(),
  }),
  leaseHolder: LeaseHolder.optional(),
  answeredBy: AnsweredBy.optional(),
  /** Whether a stale neighbour entry was cleared before the probe (needs CAP_NET_ADMIN on Linux). */
  neighbourCleared: z.boolean(),
  /** The entry's state after the probe (REACHABLE, DELAY, STALE, PERMANENT…), as `ip neigh` says. */
  neighbourState: z.string().optional(),
  /** True only when the proof holds: path, who answered ARP, what answered. */
  reachable: z.boolean(),
  proof: Proof.optional(),
  findings: z.array(Finding),
});
export type Verification = z.infer<typeof Verification>;

/**
 * The verifications a run recorded. Facts are untyped in the journal, so they are parsed:
 * a journal from another version yields nothing rather than something wrong.
 */
export function verificationsOf(run: Pick<RunRecord, 'facts'>): Verification[] {
  const single = Verification.safeParse(run.facts.verification);
  if (single.success) return [single.data];
  const many = z.array(Verification).safeParse(run.facts.verifications);
  return many.success ? many.data : [];
}

/**
 * How a start brought each node back: the IPv4 address it had (recorded when it last ran),
 * the one it has now, and why it could not keep it. A start run keeps them in `facts.addresses`.
 */
export const NodeAddressOutcome = z.object({
  node: z.string(),
  before: z.string().optional(),
  after: z.string().optional(),
  kept: z.boolean(),
  reason: z.string().optional(),
});
export type NodeAddressOutcome = z.infer<typeof NodeAddressOutcome>;

/** The node addresses a start run kept or could not keep; none in other runs' journals. */
export function addressesOf(run: Pick<RunRecord, 'facts'>): NodeAddressOutcome[] {
  const parsed = z.array(NodeAddressOutcome).safeParse(run.facts.addresses);
  return parsed.success ? parsed.data : [];
}

/** One line per node whose address changed: what the user must know after a start. */
export function changedAddressesText(outcomes: readonly NodeAddressOutcome[]): string[] {
  return outcomes
    .filter((o) => !o.kept)
    .map(
      (o) =>
        `${o.node}: ${o.before ?? 'no recorded address'} → ${o.after ?? 'no address'}${o.reason ? ` (${o.reason})` : ''}`,
    );
}

/** The hops the final verification checked (`kindscope connectivity`'s), in path order; none in a journal from before them. */
export function hopsOf(run: Pick<RunRecord, 'facts'>): ConnectivityHop[] {
  const hops = z.array(ConnectivityHop).safeParse(run.facts.connectivity);
  return hops.success ? hops.data : [];
}

/**
 * The LoadBalancer pool block of a create run: the one its `carve-pool` step carved (or
 * checked) once kind had made the network, else the one the plan resolved; undefined before
 * either (a fresh engine's run not yet past `kind create`, or a journal of another shape).
 */
export function poolOf(
  run: Pick<RunRecord, 'facts'>,
): { cidr: string; source: 'carved at run' | 'checked at run' | 'plan' } | undefined {
  const given = z.object({ plan: z.object({ pool: z.object({ cidr: z.string() }) }) }).safeParse(run.facts.rendering);
  const auto = !given.success || given.data.plan.pool.cidr === 'auto';
  const atRun = z.string().safeParse(run.facts.poolCidr);
  if (atRun.success) return { cidr: atRun.data, source: auto ? 'carved at run' : 'checked at run' };
  const planned = z.object({ poolCidr: z.string() }).safeParse(run.facts.rendering);
  return planned.success ? { cidr: planned.data.poolCidr, source: 'plan' } : undefined;
}

/**
 * A create run of an untested pairing (issue 26: acknowledged with `--allow-untested` or the
 * wizard's checkbox): the node image's Kubernetes, the Cilium release and the reason given,
 * read from the plan the run keeps; undefined for a tested pairing.
 */
export function untestedPairingOf(
  run: Pick<RunRecord, 'facts'>,
): { kubernetes: string; cilium: string; reason?: string } | undefined {
  const kept = z
    .object({
      plan: z.object({ cilium: z.object({ allowUntested: z.boolean(), untestedReason: z.string().optional() }) }),
      pairing: z.object({ kubernetes: z.string(), cilium: z.string(), tested: z.boolean() }),
    })
    .safeParse(run.facts.rendering);
  if (!kept.success || kept.data.pairing.tested || !kept.data.plan.cilium.allowUntested) return undefined;
  const { kubernetes, cilium } = kept.data.pairing;
  const reason = kept.data.plan.cilium.untestedReason;
  return { kubernetes, cilium, ...(reason ? { reason } : {}) };
}

const RunId = z
  .string()
  .regex(/^[a-z0-9-]{1,80}$/, 'must be a run id such as 20261201-083000-create-a1b2c3 (see `kindscope runs`)');
const RunInput = z.object({ id: RunId }).strict();

/** A plan to build: its object, a lab.yaml text, or just a name for the default plan. */
export const CreateLabInput = z
  .object({
    plan: z.unknown().optional(),
    yaml: z.string().max(1_000_000).optional(),
    name: z.string().max(63).optional(),
  })
  .strict();

export const RunLogLine = z.object({ run: z.string(), step: z.string(), line: z.string() });
export type RunLogLine = z.infer<typeof RunLogLine>;

export const runCalls = {
  labCreate: defineCall(
    'lab:create',
    CreateLabInput,
    RunRecord,
    'Starts building the lab a plan describes; the run goes on in the background and is journaled on disk',
  ),
  labRuns: defineCall(
    'lab:runs',
    z.object({}).strict(),
    z.object({ runs: z.array(RunRecord) }),
    'Every run on this machine, newest first, with its steps and what it created',
  ),
  labRun: defineCall('lab:run', RunInput, RunRecord, "One run's journal"),
  labRunLog: defineCall(
    'lab:run-log',
    RunInput.extend({ step: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a step name of the run') }).strict(),
    z.object({ text: z.string(), path: z.string() }),
    "A step's log as kept on disk (the last 256 KiB)",
  ),
  labResume: defineCall(
    'lab:resume',
    RunInput,
    RunRecord,
    'Runs a failed, cancelled or interrupted run again from the step that stopped it; finished steps are skipped',
  ),
  labCancel: defineCall(
    'lab:cancel',
    RunInput,
    RunRecord,
    "Cancels a running run: the current step's processes are ended",
  ),
  labCleanupPlan: defineCall(
    'lab:cleanup-plan',
    RunInput,
    z.object({ remove: z.array(CreatedResource) }),
    'What cleaning up a run would remove, for the confirmation',
  ),
  labCleanup: defineCall(
    'lab:cleanup',
    RunInput.extend({
      confirm: z.literal(true, {
        error: 'must be true: cleanup removes what the run created (confirm in the dialog, or pass --yes)',
      }),
    }).strict(),
    RunRecord,
    'Removes exactly what a run created (containers, kubeconfig context, release, objects), after confirmation',
  ),
} as const;

const Cluster = z
  .object({
    cluster: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'must be a kind cluster name (see `kindscope topology`)'),
  })
  .strict();
const confirmation = (what: string) =>
  z.literal(true, { error: `must be true: ${what} (confirm in the dialog, or pass --yes)` });

/** A repair `fix` can make, by name. */
export const FixKind = z.enum(['pool', 'l2-policy', 'cilium-values', 'router', 'bgp-peer'], {
  error: 'must be a repair by name: pool, l2-policy, cilium-values, router or bgp-peer (see lab:fix-plan)',
});
export type FixKind = z.infer<typeof FixKind>;

export const lifecycleCalls = {
  labStop: defineCall('lab:stop', Cluster, RunRecord, "Stops a lab's node containers (workers first); a run"),
  labStart: defineCall(
    'lab:start',
    Cluster,
    RunRecord,
    "Starts a lab's node containers, then re-verifies: nodes Ready, leases re-elected, every IP answering; a run",
  ),
  labDeletePlan: defineCall(
    'lab:delete-plan',
    Cluster,
    z.object({ containers: z.array(z.string()), context: z.string() }),
    'What deleting a cluster removes (node containers, kubeconfig context), for the confirmation',
  ),
  labDelete: defineCall(
    'lab:delete',
    Cluster.extend({
      confirm: confirmation('deleting removes the node containers and the kubeconfig context'),
    }).strict(),
    RunRecord,
    '`kind delete cluster` after confirmation; the kind network stays',
  ),
  labFixPlan: defineCall(
    'lab:fix-plan',
    Cluster,
    // `fix` on a step: the repair it makes (what `repairs` of lab:fix chooses); the waits and the verification after them have none and always run.
    z.object({
      fixes: z.array(FixKind),
      steps: z.array(z.object({ name: z.string(), title: z.string(), command: z.string(), fix: FixKind.optional() })),
    }),
    'The repairs for a cluster stuck at <pending>: a carved pool, the L2 policy, helm upgrade with the missing values',
  ),
  labFix: defineCall(
    'lab:fix',
    Cluster.extend({
      confirm: confirmation('fix changes the cluster'),
      /**
       * The repairs the user confirmed, each by its name in lab:fix-plan; when absent, all that
       * the cluster needs at the call. A repair already made when its step runs is skipped, saying so.
       */
      repairs: z.array(FixKind).optional(),
    }).strict(),
    RunRecord,
    'Runs the confirmed repairs (those in `repairs`, or all the cluster needs), then proves every LoadBalancer IP answers; a run',
  ),
} as const;

export const runEvents = {
  labRunChanged: defineEvent(
    'lab:run-changed',
    RunRecord,
    'A run changed state, progressed or recorded something it created',
  ),
  labRunLogLine: defineEvent(
    'lab:run-log-line',
    RunLogLine,
    'A line written to a step log (follow with care: high frequency)',
  ),
} as const;
