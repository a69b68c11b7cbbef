import type Docker from 'dockerode';
import type { LabEnvironment } from '../environment/lab-environment';
import { allAnnounced, ciliumReady, waitStep, type ClusterStatusSource } from './cluster-watch';
import type { LabPipelineDeps } from './create-pipeline';
import { clusterLabel } from '../../topology/topology-service';
import { clusterNotFound, labelledContainers, nodeAddresses, nodeContainers } from './kind-nodes';
import { startKeepingAddresses } from './keep-addresses';
import { changedAddressesText } from '../../../contract';
import { routerLabel } from '../plan/router';

/** BGP mode's router beside a lab (labelled with its cluster by the create run): none for an L2 lab. */
const routerContainers = (docker: Docker, cluster: string) => labelledContainers(docker, `${routerLabel}=${cluster}`);
import type { StepContext, StepDefinition } from './pipeline-runner';
import type { Verification } from './verify-service';
import { verifyStep, type VerifyStepDeps } from './verify-step';

/** The stop, start and delete runs of an existing lab (fix-pipeline.ts builds on their final steps). */
export interface LifecycleDeps {
  docker: Docker;
  runTool: LabPipelineDeps['runTool'];
  statusSource(): ClusterStatusSource;
  verify(namespace: string, name: string): Promise<Verification | undefined>;
  hostCheck?: VerifyStepDeps['hostCheck'];
  environment(): Promise<LabEnvironment | undefined>;
  /** Each node's IPv4 address when it last ran (a stop run's record, else Kubernetes' InternalIP): what start gives back. */
  recordedAddresses?(): Promise<ReadonlyMap<string, string>>;
  timeouts?: { cilium?: number; externalIP?: number };
}

export function stopSteps(cluster: string, deps: LifecycleDeps): StepDefinition[] {
  return [
    {
      name: 'stop-nodes',
      title: `Stop the node containers of ${cluster}`,
      command: `docker stop <workers> then <control planes> (labelled ${clusterLabel}=${cluster})`,
      run: async (context) => {
        const nodes = (await nodeContainers(deps.docker, cluster)).reverse();
        if (nodes.length === 0) throw clusterNotFound(cluster);
        // Their addresses now: a start gives each node this one back where Docker allows it (keep-addresses.ts).
        context.facts.nodeAddresses = Object.fromEntries(
          (await nodeAddresses(deps.docker, cluster)).filter((a) => a.ipv4).map((a) => [a.name, a.ipv4]),
        );
        for (const [index, node] of nodes.entries()) {
          context.progress(index / nodes.length, `stopping ${node.name}`);
          if (node.state === 'running') await deps.docker.getContainer(node.id).stop();
          context.log(`stopped ${node.name}`);
        }
        // The router goes last: the nodes' sessions close while it still listens.
        for (const router of await routerContainers(deps.docker, cluster)) {
          if (router.state === 'running') await deps.docker.getContainer(router.id).stop();
          context.log(`stopped the router ${router.name}`);
        }
      },
    },
  ];
}

/** Start, then prove the lab works again: nodes Ready, Cilium up, leases re-elected, every IP answering. */
export function startSteps(cluster: string, deps: LifecycleDeps): StepDefinition[] {
  return [
    {
      name: 'start-nodes',
      title: `Start the node containers of ${cluster}`,
      command:
        `docker start <nodes, in the order of their old addresses> (labelled ${clusterLabel}=${cluster})` +
        `, each getting its old address back where Docker allows it`,
      run: async (context) => {
        const nodes = await nodeContainers(deps.docker, cluster);
        if (nodes.length === 0) throw clusterNotFound(cluster);
        const recorded = (await deps.recordedAddresses?.().catch(() => undefined)) ?? new Map<string, string>();
        const outcomes = await startKeepingAddresses(deps.docker, nodes, recorded, context.log);
        context.facts.addresses = outcomes;
        const changed = changedAddressesText(outcomes);
        if (changed.length > 0)
          context.log(
            `Could not keep the address of ${changed.length} node${changed.length === 1 ? '' : 's'}` +
              ` (kubernetes-sigs/kind#2045: the API server and kubelets may still use the old one): ${changed.join('; ')}`,
          );
        // The router after the nodes: Docker gives a starting container the lowest free address, so
        // started first it would take a node's old one. The speakers retry their sessions until it is up.
        for (const router of await routerContainers(deps.docker, cluster)) {
          if (router.state !== 'running') await deps.docker.getContainer(router.id).start();
          context.log(`started the router ${router.name}`);
        }
        context.facts.nodes = nodes.length;
        context.facts.startedAt = Date.now();
      },
    },
    {
      name: 'cilium-ready',
      title: 'Wait for Cilium and the nodes',
      command: `watch kube-system pods and nodes of kind-${cluster} until every agent and the operator are ready and every node is Ready`,
      run: (context) =>
        waitStep(
          deps.statusSource(),
          context,
          ciliumReady(Number(context.facts.nodes ?? 1)),
          'Cilium and the nodes',
          deps.timeouts?.cilium ?? 600_000,
        ),
    },
    ...announceAndVerifySteps(cluster, deps, { reelected: true }),
  ];
}

export function deleteSteps(cluster: string, deps: LifecycleDeps): StepDefinition[] {
  return [
    {
      name: 'kind-delete',
      title: `Delete the kind cluster ${cluster}`,
      command: `kind delete cluster --name ${cluster}`,
      run: async (context) => {
        if ((await nodeContainers(deps.docker, cluster)).length === 0) throw clusterNotFound(cluster);
        await deps.runTool('kind', ['delete', 'cluster', '--name', cluster], {
          signal: context.signal,
          onLine: context.log,
        });
        // BGP mode: the router and the pool's network Kindscope made for this lab (by their label) go with it.
        for (const router of await routerContainers(deps.docker, cluster)) {
          await deps.docker.getContainer(router.id).remove({ force: true });
          context.log(`removed the router ${router.name}`);
        }
        const networks = await deps.docker.listNetworks({ filters: { label: [`${routerLabel}=${cluster}`] } });
        for (const network of networks) {
          await deps.docker.getNetwork(network.Id).remove();
          context.log(`removed the network ${network.Name}`);
        }
      },
    },
  ];
}

/**
 * Every LoadBalancer service gets its IP and a lease holder; then each IP is measured from
 * this machine (start and fix end with these). `reelected` (start): a lease counts only once
 * renewed since the nodes started. `before` runs first in the wait step (fix: a repair still
 * needed but not planned means the wait cannot end well — it says so at once).
 */
export function announceAndVerifySteps(
  cluster: string,
  deps: LifecycleDeps,
  options: { reelected?: boolean; before?: (context: StepContext) => Promise<void> } = {},
): StepDefinition[] {
  const reelected = options.reelected ?? false;
  return [
    {
      name: 'leases',
      title: 'Wait for every LoadBalancer IP and its lease holder',
      command: `watch the LoadBalancer services of kind-${cluster} until each has an external IP, ready endpoints and a lease holder`,
      run: async (context) => {
        await options.before?.(context);
        // After a start, a lease counts only once renewed since: the holder was re-elected and renews it.
        // Renewals are not pushed (statusChangeKey), so only this check re-reads the model each second.
        await waitStep(
          deps.statusSource(),
          context,
          allAnnounced(reelected ? Number(context.facts.startedAt) : undefined),
          'the LoadBalancer IPs',
          deps.timeouts?.externalIP ?? 180_000,
          reelected ? 1_000 : undefined,
        );
      },
    },
    verifyStep(deps, 'every-ip'),
  ];
}

/** What `delete` removes: shown in the confirmation. */
export async function deletePlan(docker: Docker, cluster: string): Promise<{ containers: string[]; context: string }> {
  const nodes = await nodeContainers(docker, cluster);
  if (nodes.length === 0) throw clusterNotFound(cluster);
  const routers = await routerContainers(docker, cluster);
  return { containers: [...nodes, ...routers].map((n) => n.name), context: `kind-${cluster}` };
}
