import { KindscopeError, type LabPlan, type LabRendering, type LabStep } from '../../../contract';
import type { RunOptions, RunResult } from '../../tools/run-tool';
import { kindNetworkName } from '../environment/lab-environment';
import { bgpOf, lbNetworkName, routerName } from '../plan/render-bgp';
import { lbNetworkArgs, routerAddressOn, verifyBgp, waitForRoutes, writeRouterFiles } from './bgp-run';
import { waitStep, type ClusterStatusSource } from './cluster-watch';
import type { LabPipelineDeps } from './create-pipeline';
import type { StepContext, StepDefinition } from './pipeline-runner';

// BGP mode's part of the create run (create-pipeline.ts puts them in the plan's order): the
// router's steps around their docker commands, and the proof through the router.

type Docker = (args: string[], options: RunOptions) => Promise<RunResult>;

/**
 * The run of one of the router's plan steps (`lb-network`, `router-create`, `router-file-frr-conf`,
 * `router-start`): `run` runs the plan step's own command, `extra` changing its arguments.
 */
export function routerStep(
  step: LabStep,
  command: string,
  plan: LabPlan,
  fileDir: string,
  tools: {
    docker: Docker;
    run: (step: LabStep, context: StepContext, extra?: (a: string[]) => string[]) => Promise<RunResult>;
    /** Carves the pool again (`facts.poolCidr`) against what the engine holds now. */
    recarve?: (context: StepContext) => Promise<void>;
  },
): StepDefinition {
  const { docker, run } = tools;
  switch (step.id) {
    case 'lb-network':
      return {
        name: step.id,
        title: step.title,
        command: `${command} (the network around the carved pool)`,
        run: async (context) => {
          const network = lbNetworkName(plan);
          // A retry: the network this run made first is removed, then made again.
          if (context.facts.lbNetworkStarted === true)
            await docker(['network', 'rm', network], { signal: context.signal, allowFailure: true });
          context.facts.lbNetworkStarted = true;
          context.created({ kind: 'docker-network', name: network });
          // Two runs carving at once can pick the same free block; Docker then refuses the later
          // network ("Pool overlaps with other one on this address space" from its IPAM, or, from
          // Debian's 20.10 bridge driver, "networks have overlapping IPv4"). An auto pool is carved
          // again against what the engine holds now (twice at most); a given pool is the user's.
          for (let attempt = 1; ; attempt++) {
            try {
              await run(step, context, (a) => lbNetworkArgs(a, String(context.facts.poolCidr)));
              return;
            } catch (error) {
              const overlap = error instanceof Error && /overlaps with other one|overlapping IPv4/i.test(error.message);
              if (!overlap || plan.pool.cidr !== 'auto' || !tools.recarve || attempt > 2) throw error;
              context.log(`${String(context.facts.poolCidr)} was taken meanwhile by another network: carving again`);
              await tools.recarve(context);
            }
          }
        },
      };
    case 'router-create':
      return {
        name: step.id,
        title: step.title,
        command,
        run: async (context) => {
          const router = routerName(plan);
          if (context.facts.routerCreateStarted === true)
            await docker(['rm', '--force', router], { signal: context.signal, allowFailure: true });
          context.facts.routerCreateStarted = true;
          context.created({ kind: 'container', name: router });
          await run(step, context);
        },
      };
    case 'router-file-frr-conf':
      return {
        name: step.id,
        title: step.title,
        command: `${command} (bgp listen range = the kind subnet)`,
        run: async (context) => {
          writeRouterFiles(plan, fileDir, String(context.facts.kindSubnet));
          await run(step, context);
        },
      };
    case 'router-start':
      return {
        name: step.id,
        title: step.title,
        command: `${command}; read its address on the kind network`,
        run: async (context) => {
          context.facts.routerStartedAt = Date.now();
          await run(step, context);
          const address = await routerAddressOn(docker, routerName(plan), kindNetworkName(), context.signal);
          if (!address)
            throw new KindscopeError(
              'DOCKER_ERROR',
              `The router ${routerName(plan)} has no address on the ${kindNetworkName()} network`,
              `Check \`docker inspect ${routerName(plan)}\`, then clean up this run and create again.`,
            );
          context.facts.routerAddress = address;
          context.log(`router ${routerName(plan)} at ${address}: the nodes' BGP peer`);
        },
      };
  }
  throw new KindscopeError('INTERNAL', `Step ${step.id} is no router step`, 'Report this.');
}

/**
 * BGP mode's end of create: the external IP with ready endpoints (no lease: nobody answers ARP),
 * the router's routes to it through every advertising node (measured), then the verification
 * that names the hops (bgp-run.ts).
 */
export function bgpProofSteps(
  rendering: LabRendering,
  deps: LabPipelineDeps,
  bgp: {
    docker: Docker;
    nodeOf: (ip: string) => string | undefined;
    refreshNodes: () => Promise<void>;
  },
): StepDefinition[] {
  const plan = rendering.plan;
  const { namespace, name: service } = plan.sample;
  const speakers =
    bgpOf(plan).nodes === 'all' ? plan.cluster.controlPlanes + plan.cluster.workers : plan.cluster.workers;
  const ipOf = async () =>
    (await deps.statusSource().status()).services.find((s) => s.namespace === namespace && s.name === service)
      ?.externalIPs[0];
  return [
    {
      name: 'external-ip',
      title: 'Wait for the external IP',
      command: `watch service ${namespace}/${service} until it has an external IP from the pool and ready endpoints`,
      run: (context) =>
        waitStep(
          deps.statusSource(),
          context,
          serviceHasIp(namespace, service),
          `the external IP of ${namespace}/${service}`,
          deps.timeouts?.externalIP ?? 180_000,
        ),
    },
    {
      name: 'bgp-routes',
      title: `Wait for the router's routes to the IP`,
      command: `docker exec ${routerName(plan)} vtysh -c 'show bgp summary json' / -c 'show ip route json' until the IP has ${speakers} installed next hop(s)`,
      run: async (context) => {
        const ip = await ipOf();
        if (!ip) throw new KindscopeError('INTERNAL', `${namespace}/${service} has no external IP`, 'Resume the run.');
        await bgp.refreshNodes();
        const measured = await waitForRoutes(
          plan,
          bgp.docker,
          ip,
          speakers,
          bgp.nodeOf,
          context,
          deps.timeouts?.externalIP ?? 180_000,
        );
        context.facts.bgpRoutes = measured;
      },
    },
    {
      name: 'verify',
      title: 'Prove the IP answers from this machine through the router',
      command: `HTTP GET http://IP/ from this machine; read the router's routes and the next hop this flow takes; name each hop`,
      run: async (context) => {
        const ip = await ipOf();
        if (!ip) throw new KindscopeError('INTERNAL', `${namespace}/${service} has no external IP`, 'Resume the run.');
        await bgp.refreshNodes();
        const verification = await verifyBgp(plan, bgp.docker, ip, String(context.facts.poolCidr), bgp.nodeOf, context);
        context.facts.bgpVerification = verification;
        if (!verification.reachable) {
          const broken = verification.hops.find((h) =>
            /no installed route|no HTTP answer|Something else/.test(h.detail),
          );
          throw new KindscopeError(
            'INTERNAL',
            `${ip} did not answer from this machine through the router${broken ? `: ${broken.hop} — ${broken.detail}` : ''}`,
            `See \`kindscope bgp --cluster ${plan.cluster.name}\` for the sessions and the router's table.`,
          );
        }
      },
    },
  ];
}

/** The service has an IP from the pool and ready endpoints (BGP mode: no lease to wait for). */
function serviceHasIp(namespace: string, name: string) {
  return (status: Awaited<ReturnType<ClusterStatusSource['status']>>) => {
    const service = status.services.find((s) => s.namespace === namespace && s.name === name);
    if (!service) return { done: false, detail: `service ${namespace}/${name} not seen yet` };
    const ip = service.externalIPs[0];
    if (!ip) return { done: false, detail: 'external IP <pending>', fraction: 0.3 };
    if (service.readyEndpoints === 0)
      return { done: false, detail: `${ip}: waiting for ready endpoints`, fraction: 0.6 };
    return { done: true, detail: `${ip}: ${service.readyEndpoints} ready endpoint(s)`, fraction: 1 };
  };
}
