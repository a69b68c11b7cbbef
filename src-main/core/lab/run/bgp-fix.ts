/**
 * `kindscope fix` on a BGP lab (issue 29, item 6): the repairs the BGP findings point at, made
 * only to what Kindscope made — its router container (`docker start`), the peer it wrote in the
 * CiliumBGPClusterConfig (`kubectl patch`: the ASNs and the address the router measures) — then
 * the router's routes waited for and every LoadBalancer IP proven through it, the hops named
 * (bgp-run.ts, the same steps as create's).
 */
import { FixKind, KindscopeError, type BgpView, type ClusterStatus } from '../../../contract';
import { inspectRouter, peerPatches, type ToolRun } from '../../bgp/bgp-doctor';
import { measureRouter, readBgpView } from '../../bgp/bgp-view';
import { lbNetworkFor } from '../plan/bgp-pool';
import { defaultPlan } from '../plan/plan';
import { installedHops, localAddressIn, verifyBgp, waitForRoutes, type BgpVerification } from './bgp-run';
import { nodeAddresses } from './kind-nodes';
import type { PipelineSources } from './pipeline-deps';
import type { StepContext, StepDefinition } from './pipeline-runner';

type Sources = Pick<PipelineSources, 'runTool' | 'docker' | 'statusSource' | 'engineIsLocalLinux'>;

/** This machine reaches a pool when it has an address in the pool's Docker network (the bridge is here: Linux). */
export function hostReachesPool(poolCidr: string): boolean | undefined {
  const network = lbNetworkFor(poolCidr);
  return network ? localAddressIn(network.subnet) !== undefined : undefined;
}

/** The node containers by address, read now (a node may have a new one since). */
async function nodeIndex(sources: Sources, cluster: string): Promise<Map<string, string>> {
  const addresses = await nodeAddresses(sources.docker(), cluster);
  return new Map(addresses.filter((a) => a.ipv4).map((a) => [a.ipv4!, a.name]));
}

/** The cluster's BGP view (claim, measurement, findings), with the pipeline's tools. */
export async function bgpViewOf(sources: Sources, cluster: string): Promise<BgpView> {
  const run: ToolRun = (tool, args, options) => sources.runTool(tool, args, options);
  return readBgpView(cluster, {
    run,
    nodeAddresses: (name) => nodeAddresses(sources.docker(), name),
    serviceIps: async () => serviceIps(await sources.statusSource(cluster).status()),
    // On macOS the pool's bridge is in the engine's VM: this machine cannot tell from its interfaces.
    ...(sources.engineIsLocalLinux() ? { hostReaches: hostReachesPool } : {}),
  });
}

const serviceIps = (status: ClusterStatus) =>
  new Map(
    status.services.flatMap((s) => s.externalIPs.map((ip) => [ip, `${s.namespace}/${s.name}`] as [string, string])),
  );

/** The order BGP repairs run in: the router first (the sessions need it), then the peer. */
export const bgpRepairOrder: readonly FixKind[] = ['router', 'bgp-peer'];

/** The repairs a BGP view's findings call for (those Kindscope can make). */
export const bgpFixesFor = (view: BgpView): FixKind[] =>
  bgpRepairOrder.filter((fix) => view.findings.some((f) => f.repair === fix));

/** What a BGP fix run keeps in its journal: the confirmed repairs, and that it is BGP mode's. */
export function bgpFixFacts(view: BgpView, repairs?: FixKind[]): Record<string, unknown> {
  const needed = bgpFixesFor(view);
  const refused = (repairs ?? []).find((r) => !bgpRepairOrder.includes(r));
  if (refused)
    throw new KindscopeError(
      'INVALID_INPUT',
      `repairs: "${refused}" is an L2 repair; ${view.cluster} is a BGP lab (its repairs: ${bgpRepairOrder.join(', ')})`,
      `See \`kindscope fix --cluster ${view.cluster}\` for what it needs.`,
    );
  return { announce: 'bgp', repairs: repairs ? [...new Set(repairs)] : needed };
}

/** The repairs a BGP fix run was confirmed for (kept in its facts). */
export function bgpRepairsOf(facts: Record<string, unknown>): FixKind[] {
  const parsed = FixKind.array().safeParse(facts.repairs);
  return parsed.success ? parsed.data : [];
}

/** Whether a fix run's journal is BGP mode's. */
export const isBgpFix = (facts: Record<string, unknown>) => facts.announce === 'bgp';

/** The steps of a BGP fix run: the planned repairs, then the routes and the proof through the router. */
export function bgpFixSteps(
  cluster: string,
  sources: Sources,
  planned: readonly FixKind[],
): (StepDefinition & { fix?: FixKind })[] {
  const router = `${cluster}-router`;
  const context = `kind-${cluster}`;
  const run: ToolRun = (tool, args, options) => sources.runTool(tool, args, options);
  const docker = (args: string[], options: Parameters<ToolRun>[2]) => sources.runTool('docker', args, options);
  const steps: (StepDefinition & { fix?: FixKind })[] = [];
  if (planned.includes('router'))
    steps.push({
      fix: 'router',
      name: 'start-router',
      title: `Start the router ${router}`,
      command: `docker start ${router}`,
      run: async (c) => {
        const nodes = await nodeIndex(sources, cluster);
        const state = await inspectRouter(run, router, [...nodes.keys()]);
        if (!state.exists)
          throw new KindscopeError(
            'INVALID_INPUT',
            `The router ${router} is gone: fix starts it, it does not build it`,
            `Clean up the lab's create run and create it again (kindscope runs).`,
          );
        if (state.running) return void c.log(`${router} runs now: nothing to start`);
        await docker(['start', router], { signal: c.signal, onLine: c.log });
        c.log(`started ${router}`);
      },
    });
  if (planned.includes('bgp-peer'))
    steps.push({
      fix: 'bgp-peer',
      name: 'patch-bgp-peer',
      title: "Set the router's ASN and address in the cluster config's peer",
      command:
        `kubectl --context ${context} patch ciliumbgpclusterconfig NAME --type json --patch '[{"op":"replace",…}]' ` +
        `(peerASN = the AS the router runs, localASN = the AS it expects, peerAddress = its address; measured at the router and in Docker)`,
      run: async (c) => {
        const nodes = await nodeIndex(sources, cluster);
        const [measured, state, listed] = await Promise.all([
          measureRouter(docker, router, (ip) => nodes.get(ip), undefined, c.signal),
          inspectRouter(run, router, [...nodes.keys()]),
          sources.runTool('kubectl', ['--context', context, 'get', 'ciliumbgpclusterconfigs.cilium.io', '-o', 'json'], {
            signal: c.signal,
          }),
        ]);
        if (!measured.running)
          throw new KindscopeError(
            'INVALID_INPUT',
            `The router ${router} cannot be read, so the ASNs it runs and expects are unknown: ${measured.problem ?? ''}`,
            `Start it first: kindscope fix --cluster ${cluster} --only router`,
          );
        const configs = (JSON.parse(listed.stdout || '{}') as { items?: Record<string, unknown>[] }).items ?? [];
        const patches = peerPatches(configs, measured, state.address);
        if (patches.length === 0)
          return void c.log(
            `the cluster config's peer already names AS ${measured.asn} at ${state.address ?? '?'} (the router's, measured): nothing to change`,
          );
        for (const config of [...new Set(patches.map((p) => p.config))]) {
          const mine = patches.filter((p) => p.config === config);
          for (const p of mine) c.log(`${config}: ${p.what}`);
          await sources.runTool(
            'kubectl',
            [
              '--context',
              context,
              'patch',
              'ciliumbgpclusterconfig',
              config,
              '--type',
              'json',
              '--patch',
              JSON.stringify(mine.map((p) => p.op)),
            ],
            { signal: c.signal, onLine: c.log },
          );
        }
      },
    });
  return [...steps, ...bgpProveSteps(cluster, sources)];
}

/** The routes waited for and every LoadBalancer IP proven through the router: the end of a BGP fix. */
function bgpProveSteps(cluster: string, sources: Sources): StepDefinition[] {
  const plan = defaultPlan(cluster);
  const docker = (args: string[], options: Parameters<ToolRun>[2]) => sources.runTool('docker', args, options);
  /** Each LoadBalancer IP with the pool block it came from (its network is the one the router answers on). */
  const targets = async () => {
    const status = await sources.statusSource(cluster).status();
    return status.services
      .filter((s) => s.type === 'LoadBalancer')
      .flatMap((s) =>
        s.externalIPs.map((ip) => ({
          ip,
          // The proof asks for the sample's marker only from Kindscope's sample (its token annotation): another service is reported.
          sample: {
            ...plan.sample,
            namespace: s.namespace,
            name: s.name,
            port: s.servicePorts[0]?.port ?? 80,
            ...(s.sampleToken ? {} : { image: 'a service of your own' }),
          },
          pool: status.pools.flatMap((p) => p.ranges).find((r) => lbNetworkFor(r) && inBlock(ip, r)),
        })),
      );
  };
  return [
    {
      name: 'bgp-routes',
      title: "Wait for the router's routes to every LoadBalancer IP",
      command: `docker exec ${cluster}-router vtysh -c 'show bgp summary json' / -c 'show ip route json' until each IP has a next hop per node that claims a session`,
      run: async (c) => {
        const view = await bgpViewOf(sources, cluster);
        const nodes = await nodeIndex(sources, cluster);
        // A next hop per node that claims a session and whose container runs (a stopped one withdrew its routes).
        const running = new Set(nodes.values());
        const speakers = Math.max(1, view.claimed.filter((claim) => running.has(claim.node)).length);
        for (const target of await targets())
          c.facts.bgpRoutes = await waitForRoutes(plan, docker, target.ip, speakers, (ip) => nodes.get(ip), c, 120_000);
      },
    },
    {
      name: 'verify',
      title: 'Prove every IP answers from this machine through the router',
      command:
        "for each IP: HTTP GET from this machine; read the router's routes and the next hop this flow takes; name each hop",
      run: async (c: StepContext) => {
        const nodes = await nodeIndex(sources, cluster);
        const results: BgpVerification[] = [];
        for (const target of await targets()) {
          if (!target.pool) {
            c.log(`${target.ip}: in no pool block the router answers for: not proven`);
            continue;
          }
          results.push(
            await verifyBgp(
              { ...plan, sample: target.sample },
              docker,
              target.ip,
              target.pool,
              (ip) => nodes.get(ip),
              c,
            ),
          );
        }
        c.facts.bgpVerifications = results;
        if (results[0]) c.facts.bgpVerification = results[0];
        const failed = results.filter((r) => !r.reachable || installedHops(r.router, r.ip).length === 0);
        if (failed.length > 0)
          throw new KindscopeError(
            'INTERNAL',
            `${failed.map((r) => r.ip).join(', ')} did not answer from this machine through the router`,
            `See \`kindscope bgp --cluster ${cluster}\` and \`kindscope doctor --cluster ${cluster}\`.`,
          );
      },
    },
  ];
}

function inBlock(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toInt = (x: string) => x.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base!) / size);
}
