import {
  hopsOf,
  poolOf,
  untestedPairingOf,
  verificationsOf,
  type AppError,
  type Result,
  type RunRecord,
} from '../../contract';
import type { CliCommand, CliContext } from '../cli-command';
import { ExitCode } from '../output';
import { announceFlag, readNamedFile, withAnnounce, withUntestedAcknowledged } from './plan';

/**
 * Follows a run until it stops: step transitions and log lines on stderr, the final record
 * returned. `start` answers the call that started it, or a usage problem in words.
 */
export async function followRun(
  context: CliContext,
  start: () => Promise<Result<RunRecord> | string>,
): Promise<RunRecord | string | { error: AppError }> {
  const { client, output, json } = context;
  const seen = new Map<string, string>();
  let id: string | undefined;
  let resolveDone: (run: RunRecord) => void = () => undefined;
  const done = new Promise<RunRecord>((resolve) => (resolveDone = resolve));
  const report = (run: RunRecord) => {
    if (run.id !== id) return;
    run.steps.forEach((step, index) => {
      if (seen.get(step.name) === step.state) return;
      seen.set(step.name, step.state);
      if (step.state === 'running')
        output.err(`==> [${index + 1}/${run.steps.length}] ${step.title}\n    $ ${step.command}\n`);
      else if (step.state === 'done') output.err(`    done in ${((step.ms ?? 0) / 1000).toFixed(1)} s\n`);
      else if (step.state === 'failed' || step.state === 'cancelled')
        output.err(
          `    ${step.state}: ${step.error?.message ?? ''}\n    hint: ${step.error?.hint ?? ''}\n    log: ${step.logPath}\n`,
        );
    });
    if (run.state !== 'running') resolveDone(run);
  };
  const stopChanges = client.subscribe('lab:run-changed', report);
  const stopLines = json
    ? () => undefined
    : client.subscribe(
        'lab:run-log-line',
        // The step's own failure line is printed once, by the report above (with its hint and log).
        (line) => line.run === id && !/^(\$ |failed: |cancelled: )/.test(line.line) && output.err(`    ${line.line}\n`),
      );
  const cancel = () => id && void client.invoke('lab:cancel', { id });
  context.signal.addEventListener('abort', cancel, { once: true });
  try {
    const started = await start();
    if (typeof started === 'string') return started;
    if (!started.ok) return { error: started.error };
    id = started.value.id;
    output.err(`Run ${id} (journal and logs in ${started.value.dir})\n`);
    const current = await client.invoke('lab:run', { id });
    if (current.ok) report(current.value);
    return await done;
  } finally {
    context.signal.removeEventListener('abort', cancel);
    stopChanges();
    stopLines();
  }
}

/** The result scripts read: the service, the claim and the measurement side by side. */
/** BGP mode's verification (core/lab/run/bgp-run.ts), kept by the run in `facts.bgpVerification`. */
interface BgpResult {
  ip: string;
  reachable: boolean;
  answeredPod?: string;
  hops: { hop: string; detail: string }[];
  flowVia?: { ip: string; node?: string };
  router: {
    router: string;
    measuredAt: string;
    routes: { prefix: string; nextHops: { ip: string; node?: string; installed: boolean }[] }[];
  };
}

export function runResult(run: RunRecord) {
  const [verification] = verificationsOf(run);
  const bgp = run.facts.bgpVerification as BgpResult | undefined;
  const plan = (run.facts.rendering as { plan?: { sample?: { namespace: string; name: string } } } | undefined)?.plan;
  return {
    cluster: run.cluster,
    ...(plan?.sample
      ? {
          service: {
            namespace: plan.sample.namespace,
            name: plan.sample.name,
            ...((verification?.ip ?? bgp?.ip) ? { ip: verification?.ip ?? bgp?.ip } : {}),
          },
        }
      : {}),
    ...(verification?.leaseHolder
      ? {
          leaseHolder: {
            node: verification.leaseHolder.node,
            ...(verification.leaseHolder.mac ? { mac: verification.leaseHolder.mac } : {}),
          },
        }
      : {}),
    ...(verification?.answeredBy ? { answeredBy: verification.answeredBy } : {}),
    // The LoadBalancer pool block, and whether the run carved it (a fresh engine: no kind network at plan time).
    ...(poolOf(run) ? { pool: poolOf(run) } : {}),
    // Built on a pairing Cilium does not list as tested, acknowledged (--allow-untested or the wizard).
    ...(untestedPairingOf(run) ? { untestedPairing: untestedPairingOf(run) } : {}),
    // The path from this machine, hop by hop (`kindscope connectivity`'s checks), as the verification saw it.
    connectivity: hopsOf(run),
    // BGP mode: the measured path through the router (the hops named), and how long the first session took.
    ...(bgp
      ? {
          bgp: {
            hops: bgp.hops,
            ...(bgp.answeredPod ? { answeredPod: bgp.answeredPod } : {}),
            ...(bgp.flowVia ? { flowVia: bgp.flowVia } : {}),
            nextHops: bgp.router.routes.find((r) => r.prefix === `${bgp.ip}/32`)?.nextHops ?? [],
            measuredAt: bgp.router.measuredAt,
            ...(typeof run.facts.bgpEstablishedMs === 'number'
              ? { sessionEstablishedMs: run.facts.bgpEstablishedMs }
              : {}),
          },
        }
      : {}),
    steps: run.steps.map((s) => ({ name: s.name, state: s.state, ...(s.ms !== undefined ? { ms: s.ms } : {}) })),
    run: run.id,
    state: run.state,
  };
}

export const createCommand: CliCommand = {
  name: 'create',
  summary: 'Build a lab from a plan: kind, Cilium, pool, L2 policy, sample app — proven to answer from here',
  help: `kindscope create [--name NAME] [-f lab.yaml] [--announce l2|bgp] [--json]
kindscope create --resume RUN [--json]

Runs the plan's steps (see \`kindscope plan\`), each with its log on disk, and ends by
measuring that the sample's LoadBalancer IP answers HTTP from this machine and which node
answered ARP. Progress goes to stderr; with --json the result goes to stdout:
{ cluster, service: { namespace, name, ip }, leaseHolder, answeredBy, connectivity, steps, run }
(connectivity: the hops of \`kindscope connectivity\`, checked after the measurement).
A failed run names the failed step; \`kindscope create --resume RUN\` continues from it.
Ctrl-C cancels the run (its processes are ended); \`kindscope cleanup RUN\` removes what it made.`,
  options: {
    name: { type: 'string' },
    file: { type: 'string', short: 'f' },
    resume: { type: 'string' },
    'allow-untested': { type: 'boolean' },
    announce: { type: 'string' },
  },
  async run(context) {
    const { client, values, fail, usageError, print } = context;
    if (typeof values.resume === 'string' && (values.name !== undefined || values.file !== undefined))
      return usageError('--resume RUN takes no --name or -f: the run keeps its plan');
    const outcome = await followRun(context, async () => {
      if (typeof values.resume === 'string') return client.invoke('lab:resume', { id: values.resume });
      let yaml: string | undefined;
      if (typeof values.file === 'string') {
        const read = readNamedFile(values.file, '-f');
        if ('problem' in read) return read.problem;
        yaml = read.text;
      }
      const name = typeof values.name === 'string' ? values.name : undefined;
      if (!yaml && !name) return 'create needs --name NAME (the default plan) or -f lab.yaml';
      const announce = announceFlag(values.announce);
      if (typeof announce === 'string') return announce;
      let source: Parameters<typeof withAnnounce>[0] = yaml ? { yaml } : { name: name! };
      // --announce: the plan (and so the run, which keeps it) says which announcement it builds.
      if (announce.announce) source = withAnnounce(source, announce.announce);
      // --allow-untested: the plan (and so the run, which keeps it) records the acknowledgement.
      if (values['allow-untested']) source = withUntestedAcknowledged(source);
      if (!announce.announce && !values['allow-untested'])
        return client.invoke('lab:create', { ...(yaml ? { yaml } : {}), ...(name ? { name } : {}) });
      return client.invoke('lab:create', { ...source, ...(name ? { name } : {}) });
    });
    if (typeof outcome === 'string') return usageError(outcome);
    if ('error' in outcome) return fail(outcome.error);
    const result = runResult(outcome);
    const failed = outcome.steps.find((s) => s.state === 'failed' || s.state === 'cancelled');
    print(result, formatResult(outcome, result));
    if (outcome.state === 'cancelled') return ExitCode.interrupted;
    if (failed)
      context.output.err(
        `kindscope: step "${failed.name}" ${failed.state}: ` +
          `${failed.error?.message ?? ''}\n${failed.error?.hint ? `  fix: ${failed.error.hint}\n` : ''} ` +
          ` hint: resume with \`kindscope create --resume ${outcome.id}\`, ` +
          `or remove what it made with \`kindscope cleanup ${outcome.id}\`\n`,
      );
    return outcome.state === 'done' ? ExitCode.ok : ExitCode.failed;
  },
};

function formatResult(run: RunRecord, result: ReturnType<typeof runResult>): string {
  if (run.state !== 'done') return `Run ${run.id}: ${run.state}\n`;
  if (result.bgp)
    return `Lab "${run.cluster}" is ready: ${result.service?.namespace}/${result.service?.name} answers at http://${result.service?.ip}/ through the router\n${result.bgp.hops.map((h) => `  ${h.hop}: ${h.detail}\n`).join('')}`;
  const answered = result.answeredBy
    ? `answered ARP: ${result.answeredBy.node ?? 'not a node'} (${result.answeredBy.mac}, checked ${result.answeredBy.checkedAt})`
    : 'answered ARP: not measured here';
  const failing = result.connectivity.filter((h) => !h.ok);
  const path =
    result.connectivity.length === 0
      ? ''
      : failing.length === 0
        ? `  path from this machine: all ${result.connectivity.length} hops answer (kindscope connectivity)\n`
        : failing.map((h) => `  ✗ ${h.hop}: ${h.detail}\n`).join('');
  const pool = result.pool
    ? `  LoadBalancer pool ${result.pool.cidr}${result.pool.source === 'carved at run' ? ' (carved from the kind network during this run)' : ''}\n`
    : '';
  const untested = result.untestedPairing
    ? `  untested pairing, acknowledged: Kubernetes ${result.untestedPairing.kubernetes} ` +
      `with Cilium ${result.untestedPairing.cilium}` +
      `${result.untestedPairing.reason ? ` (${result.untestedPairing.reason})` : ''}\n`
    : '';
  return (
    `Lab "${run.cluster}" is ready: ` +
    `${result.service?.namespace}/${result.service?.name} answers at ` +
    `http://${result.service?.ip}/\n${pool}${untested}  lease held by ` +
    `${result.leaseHolder?.node ?? '-'}${result.leaseHolder?.mac ? ` (${result.leaseHolder.mac})` : ''}\n ` +
    ` ${answered}\n${path}`
  );
}
