import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KindscopeError, type LabRendering, type LabStep } from '../../../contract';
import type { RunOptions, RunResult } from '../../tools/run-tool';
import type { LabEnvironment } from '../environment/lab-environment';
import { renderPool } from '../plan/render';
import { renderBgp } from '../plan/render-bgp';
import { carvePoolStep } from './carve-pool-step';
import { ciliumReady, serviceAnnounced, waitStep, type ClusterStatusSource } from './cluster-watch';
import { bgpProofSteps, routerStep } from './create-bgp-steps';
import type { StepContext, StepDefinition } from './pipeline-runner';
import { preflightStep, type PreflightCheck } from './preflight';
import { checkNodeAddresses, removeStaleRelease } from './step-guards';
import { displayCommand, manifestObjects, resolveArg } from './step-words';
import type { Verification } from './verify-service';
import { verifyStep, type VerifyStepDeps } from './verify-step';

// The parts, by the question each answers: where the pool goes once kind made the network (carve-pool-step.ts), what a
// step checks or undoes around its tool (step-guards.ts), a plan step's words as the run uses them (step-words.ts),
// BGP mode's router and proof steps (create-bgp-steps.ts); this file: the create run's steps in order.

export type LabTool = 'kind' | 'helm' | 'kubectl' | 'docker';

/** What the pipeline's steps use: the tools through the run policy, the live cluster status, the probes. */
export interface LabPipelineDeps {
  runTool(name: LabTool, args: string[], options: RunOptions): Promise<RunResult>;
  preflight(): Promise<PreflightCheck[]>;
  /** The cluster wing's live status for the cluster being built. */
  statusSource(): ClusterStatusSource;
  verify(namespace: string, name: string): Promise<Verification | undefined>;
  hostCheck?: VerifyStepDeps['hostCheck'];
  /** The node containers' IPv4 addresses on the kind network (Docker's view). */
  nodeAddresses(): Promise<{ name: string; ipv4?: string }[]>;
  /** The kind network and what uses it, read now (for `carve-pool`); undefined when the engine cannot be read. */
  environment?(): Promise<LabEnvironment | undefined>;
  /** Per-wait limits (ms); generous defaults since image pulls dominate on a real machine. */
  timeouts?: { cilium?: number; externalIP?: number };
}

/** The facts the create run keeps in its journal (and the result reports). */
export interface CreateFacts {
  verification?: Verification;
}

/**
 * The create pipeline for a rendered plan: preflight, then the plan's own steps (the ones
 * the standalone script runs, from the same list), with the waits done on the cluster's
 * live status (what is still missing shown while waiting) instead of `kubectl wait`, and
 * `curl` replaced by the measured verification.
 */
export function createPipeline(rendering: LabRendering, workDir: string, deps: LabPipelineDeps): StepDefinition[] {
  const fileDir = join(workDir, 'files');
  mkdirSync(fileDir, { recursive: true });
  for (const [file, contents] of Object.entries(rendering.files)) writeFileSync(join(fileDir, file), contents);
  return createSteps(rendering, fileDir, deps);
}

/** A step of a create run as Review shows it before anything runs. */
export interface RunStepOutline {
  name: string;
  title: string;
  command: string;
}

/**
 * The steps a create run of this rendering will have, in order, without running or writing
 * anything: the very list the pipeline builds (same function), so Review cannot announce a
 * step the run lacks or miss one it has (issue 28: Review listed 12 steps, the run had 11).
 */
export function createRunOutline(rendering: LabRendering, workDir = '<run folder>'): RunStepOutline[] {
  const never = (): never => {
    throw new KindscopeError('INTERNAL', 'The outline of a run was run', 'Report this.');
  };
  const deps: LabPipelineDeps = {
    runTool: never,
    preflight: never,
    statusSource: never,
    verify: never,
    nodeAddresses: never,
  };
  return createSteps(rendering, join(workDir, 'files'), deps).map(({ name, title, command }) => ({
    name,
    title,
    command,
  }));
}

function createSteps(rendering: LabRendering, fileDir: string, deps: LabPipelineDeps): StepDefinition[] {
  const plan = rendering.plan;
  const name = plan.cluster.name;
  const nodes = plan.cluster.controlPlanes + plan.cluster.workers;
  const args = (step: LabStep) => step.command.slice(1).map((arg) => resolveArg(arg, fileDir));
  // The pool manifest with the block this run carved (journal), else the one the plan resolved.
  const manifest = (stdin: string, context: StepContext) =>
    stdin === 'pool' && typeof context.facts.poolCidr === 'string'
      ? renderPool(plan, context.facts.poolCidr)
      : stdin === 'bgp' && typeof context.facts.routerAddress === 'string'
        ? renderBgp(plan, context.facts.routerAddress)
        : rendering.manifests[stdin as keyof LabRendering['manifests']];
  const docker = (dockerArgs: string[], options: RunOptions) => deps.runTool('docker', dockerArgs, options);
  const nodeIndex = new Map<string, string>();
  const nodeOf = (ip: string) => nodeIndex.get(ip);
  const refreshNodes = async () => {
    for (const node of await deps.nodeAddresses()) if (node.ipv4) nodeIndex.set(node.ipv4, node.name);
  };
  const run = (step: LabStep, context: StepContext, extra: (a: string[]) => string[] = (a) => a) => {
    const [tool] = step.command;
    if (tool !== 'kind' && tool !== 'helm' && tool !== 'kubectl' && tool !== 'docker')
      throw new KindscopeError(
        'INTERNAL',
        `Step ${step.id} runs ${String(tool)}`,
        'The plan has a step the pipeline cannot run: report this.',
      );
    const input = step.stdin ? manifest(step.stdin, context) : undefined;
    return deps.runTool(tool, extra(args(step)), {
      signal: context.signal,
      onLine: (line) => context.log(line),
      ...(input ? { input } : {}),
    });
  };
  const steps: StepDefinition[] = [preflightStep(() => deps.preflight())];
  for (const step of rendering.steps) {
    const command = displayCommand(step, fileDir);
    switch (step.id) {
      case 'kind-create':
        steps.push({
          name: step.id,
          title: step.title,
          command,
          run: async (context) => {
            const ours = context.facts.kindCreateStarted === true;
            const existing = await deps.nodeAddresses();
            if (existing.length > 0 && !ours) {
              // Made by someone else since the preflight: never record (and so never clean up) another's cluster.
              throw new KindscopeError(
                'INVALID_INPUT',
                `A kind cluster named "${name}" appeared since the preflight`,
                'Choose another name and start a new run.',
              );
            }
            if (existing.length > 0) {
              // A retry after a cancel or a crash: kind refuses to create over the partial cluster this run made.
              context.log(`removing the partial cluster ${name} left by the previous attempt`);
              await deps.runTool('kind', ['delete', 'cluster', '--name', name], {
                signal: context.signal,
                onLine: (line) => context.log(line),
              });
            }
            // Recorded first: a cancel halfway through still leaves containers to clean up.
            context.facts.kindCreateStarted = true;
            context.created({ kind: 'kind-cluster', name });
            context.created({ kind: 'kubeconfig-context', name: `kind-${name}` });
            // Never `--wait`: without a CNI the nodes stay NotReady and it only times out.
            await run(step, context);
            await checkNodeAddresses(deps, nodes, context);
            // Start following the new cluster now, while Cilium installs: the waits then begin on a live status.
            deps
              .statusSource()
              .status()
              .catch(() => undefined);
          },
        });
        break;
      case 'carve-pool':
        steps.push({
          name: step.id,
          title: step.title,
          command: `${command}; ${plan.pool.cidr === 'auto' ? 'carve a free block' : `check ${plan.pool.cidr}`} against its subnet and what uses it`,
          run: (context) => carvePoolStep(rendering, deps, context),
        });
        break;
      case 'lb-network':
      case 'router-create':
      case 'router-file-frr-conf':
      case 'router-start':
        steps.push(
          routerStep(step, command, plan, fileDir, { docker, run, recarve: (c) => carvePoolStep(rendering, deps, c) }),
        );
        break;
      case 'cilium-install':
        steps.push({
          name: step.id,
          title: step.title,
          command: command.replace(' --wait', ''),
          run: async (context) => {
            if (context.facts.ciliumInstallStarted === true) await removeStaleRelease(deps, name, context);
            context.facts.ciliumInstallStarted = true;
            // Records (and saves the flag above) before helm runs.
            context.created({ kind: 'helm-release', name: 'kube-system/cilium', detail: `kind-${name}` });
            // The next step waits on the live status and shows what is missing; helm's own --wait would hide it.
            await run(step, context, (a) => a.filter((arg) => arg !== '--wait'));
          },
        });
        break;
      case 'nodes-ready':
      case 'sample-ready':
      case 'curl-sample':
        // Folded into the live waits and the verification below.
        break;
      case 'cilium-ready':
        steps.push({
          name: 'cilium-ready',
          title: 'Wait for Cilium and the nodes',
          command: `watch kube-system pods and nodes of kind-${name} until every agent and the operator are ready and all ${nodes} nodes are Ready`,
          run: (context) =>
            waitStep(
              deps.statusSource(),
              context,
              ciliumReady(nodes),
              'Cilium and the nodes',
              deps.timeouts?.cilium ?? 600_000,
            ),
        });
        break;
      case 'external-ip': {
        const { namespace, name: service } = plan.sample;
        if (plan.announce === 'bgp') {
          steps.push(...bgpProofSteps(rendering, deps, { docker, nodeOf, refreshNodes }));
          break;
        }
        steps.push({
          name: 'external-ip',
          title: step.title,
          command: `watch service ${namespace}/${service} until it has an external IP, ready endpoints and an L2 lease holder`,
          run: (context) =>
            waitStep(
              deps.statusSource(),
              context,
              serviceAnnounced(namespace, service),
              `the external IP of ${namespace}/${service}`,
              deps.timeouts?.externalIP ?? 180_000,
            ),
        });
        steps.push(verifyStep(deps, { namespace, name: service }));
        break;
      }
      default:
        steps.push({
          name: step.id,
          title: step.title,
          command,
          run: async (context) => {
            if (step.stdin)
              for (const object of manifestObjects(manifest(step.stdin, context) ?? ''))
                context.created({ kind: 'manifest', name: object, detail: `kind-${name}` });
            await run(step, context);
          },
        });
    }
  }
  return steps;
}
