/**
 * The standalone bash script: the plan's steps printed in order, generated files and
 * manifests as heredocs. Needs docker, kind, helm, kubectl and curl; no Kindscope.
 */
import type { LabPlan, LabStep, StepArg } from '../../../contract';
import { renderPool } from './render';
import { carveFunctions, carveStepLines } from './script-carve';
import { poolCidrAtRun, type LabArtifacts } from './steps';
import { fillLbNetwork, kindSubnetAtRun } from './steps-bgp';
import { lbNetworkFor } from './bgp-pool';
import { routerAddressAtRun, routerName } from './render-bgp';

const heredocEnd = 'KINDSCOPE_EOF';

/** A word as bash must see it: bare when it is plainly safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const variableFor = (stepId: string) => stepId.replace(/[^A-Za-z0-9]+/g, '_');

function renderArg(arg: StepArg): string {
  if (typeof arg === 'string') return shellQuote(arg);
  if ('file' in arg) return `"$workdir/${arg.file}"`;
  const quote = (text = '') => text.replace(/[\\"$`]/g, '\\$&');
  return `"${quote(arg.prefix)}\${${variableFor(arg.output)}}${quote(arg.suffix)}"`;
}

function heredoc(body: string): string {
  if (body.split('\n').includes(heredocEnd)) throw new Error(`A generated manifest contains the line ${heredocEnd}`);
  return `<<'${heredocEnd}'\n${body.endsWith('\n') ? body : `${body}\n`}${heredocEnd}`;
}

/**
 * BGP mode's steps as bash: the pool is the plan's (outside the kind network, so not carved
 * from it), the pool's Docker network around it, the router's frr.conf given the kind subnet
 * read once kind made the network, and the BGP objects the router's address read once it runs.
 */
function renderBgpStep(step: LabStep, artifacts: LabArtifacts, plan: LabPlan, poolCidr: string): string[] | undefined {
  const network = lbNetworkFor(poolCidr)!;
  const router = routerName(plan);
  switch (step.id) {
    case 'carve-pool':
      return [
        'kind_network="${KIND_EXPERIMENTAL_DOCKER_NETWORK:-kind}"',
        `kind_subnet="$(docker network inspect "$kind_network" --format '{{range .IPAM.Config}}{{.Subnet}} {{end}}' | tr ' ' '\\n' | grep -F . | head -n 1)"`,
        `# BGP mode: the pool lies outside the kind network (nobody answers ARP for it there); chosen by the plan.`,
        `pool_cidr=${shellQuote(poolCidr)}`,
        'echo "kind network $kind_network: $kind_subnet; pool $pool_cidr"',
      ];
    case 'lb-network':
      return [
        step.command
          .map((arg) => (typeof arg === 'string' ? fillLbNetwork(arg, network) : undefined) ?? renderArg(arg))
          .join(' '),
      ];
    case 'router-create':
      return [
        step.command
          .map((arg) => (arg === '--network' ? arg : renderArg(arg)))
          .join(' ')
          .replace(/--network \S+/, '--network "$kind_network"'),
      ];
    case 'router-file-frr-conf':
      return [
        `sed "s|${kindSubnetAtRun}|$kind_subnet|" "$workdir/router-frr.conf" >"$workdir/router-frr.conf.run"`,
        `docker cp "$workdir/router-frr.conf.run" ${shellQuote(`${router}:/etc/frr/frr.conf`)}`,
      ];
    case 'router-start':
      return [
        step.command.map(renderArg).join(' '),
        `router_address="$(docker inspect --format "{{(index .NetworkSettings.Networks \\"$kind_network\\").IPAddress}}" ${shellQuote(router)})"`,
        'echo "router at $router_address"',
      ];
    case 'apply-bgp': {
      const [open, ...body] = heredoc(artifacts.manifests.bgp ?? '').split('\n');
      return [
        `sed "s|${routerAddressAtRun}|$router_address|" ${open} | ${step.command.map(renderArg).join(' ')}`,
        ...body,
      ];
    }
    default:
      return undefined;
  }
}

function renderStep(step: LabStep, artifacts: LabArtifacts, plan: LabPlan, poolCidr?: string): string {
  const command = step.command.map(renderArg).join(' ');
  const lines = [`echo ${shellQuote(`==> ${step.title}`)}`];
  const bgp = plan.announce === 'bgp' && poolCidr ? renderBgpStep(step, artifacts, plan, poolCidr) : undefined;
  if (bgp) {
    lines.push(...bgp);
  } else if (step.id === 'carve-pool') {
    lines.push(...carveStepLines(plan));
  } else if (step.id === 'apply-pool' && plan.pool.cidr === 'auto') {
    // The block carved above, put into the manifest (sed: the heredoc stays quoted, nothing else expands).
    const [open, ...body] = heredoc(renderPool(plan, poolCidrAtRun)).split('\n');
    lines.push(`sed "s|${poolCidrAtRun}|$pool_cidr|" ${open} | ${command}`, ...body);
  } else if (step.poll) {
    const variable = variableFor(step.id);
    const attempts = Math.ceil(step.poll.timeoutSeconds / step.poll.intervalSeconds);
    lines.push(
      `${variable}=""`,
      `for _ in $(seq 1 ${attempts}); do`,
      `  ${variable}="$(${command})"`,
      `  if [ -n "$${variable}" ]; then break; fi`,
      `  sleep ${step.poll.intervalSeconds}`,
      'done',
      `if [ -z "$${variable}" ]; then`,
      `  echo ${shellQuote(`Gave up after ${step.poll.timeoutSeconds}s: ${step.title.toLowerCase()}`)} >&2`,
      '  exit 1',
      'fi',
      `echo "$${variable}"`,
    );
  } else if (step.stdin) {
    const manifest = artifacts.manifests[step.stdin as keyof LabArtifacts['manifests']];
    if (!manifest) throw new Error(`Step ${step.id} reads the manifest "${step.stdin}", which the plan does not have`);
    lines.push(`${command} ${heredoc(manifest)}`);
  } else {
    lines.push(command);
  }
  return lines.join('\n');
}

/**
 * The script for a plan, from its artifacts and steps. An auto pool is carved by the script
 * itself once kind has made the network (`poolCidr`, what it would be on this engine now,
 * is only said in the header): the script may run on another engine, or before any
 * network exists.
 */
export function renderScript(
  plan: LabPlan,
  artifacts: LabArtifacts,
  steps: readonly LabStep[],
  poolCidr: string | undefined,
): string {
  const pool =
    plan.pool.cidr !== 'auto'
      ? `LoadBalancer pool ${plan.pool.cidr}`
      : `a LoadBalancer pool carved from the kind network when it runs${poolCidr ? ` (on the engine it was made for: ${poolCidr})` : ''}`;
  if (plan.announce === 'bgp' && !poolCidr)
    throw new Error('BGP mode: the script needs the pool the plan chose (outside the kind network)');
  const carves = plan.announce !== 'bgp' && steps.some((step) => step.id === 'carve-pool');
  const header = [
    '#!/usr/bin/env bash',
    `# Builds the kind + Cilium lab "${plan.cluster.name}": kind ${plan.cluster.kindVersion}, ${plan.cluster.nodeImage.split('@')[0]},`,
    plan.announce === 'bgp'
      ? `# Cilium ${plan.cilium.version} with kube-proxy replacement and the BGP control plane peering with ${routerName(plan)}, LoadBalancer pool ${poolCidr}.`
      : `# Cilium ${plan.cilium.version} with kube-proxy replacement and L2 announcements, ${pool}.`,
    '# Generated by Kindscope from the lab plan; needs docker, kind, helm, kubectl and curl.',
    'set -euo pipefail',
    '',
    'workdir="$(mktemp -d)"',
    'trap \'rm -rf "$workdir"\' EXIT',
  ];
  const files = Object.entries(artifacts.files).map(([name, body]) => `cat >"$workdir/${name}" ${heredoc(body)}`);
  const body = steps.map((step) => renderStep(step, artifacts, plan, poolCidr));
  return `${[...header, '', ...(carves ? [carveFunctions(plan), ''] : []), ...files, '', ...body].join('\n')}\n`;
}
