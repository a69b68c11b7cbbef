import type Docker from 'dockerode';
import type {
  ClusterStatus,
  ConnectivityFixResult,
  ConnectivityReport,
  FixStep,
  HostContext,
  MacNetConnectState,
} from '../../contract';
import { bgpPoolNetwork, withPoolNetwork, withRouterHops, type RouterHops } from './connectivity-bgp';
import { clusterNetworkFacts, connectivityHops, realHopProbes, type HopProbes } from './connectivity-check';
import {
  planMacFix,
  planMacRemove,
  readMacState,
  realMacEnvironment,
  runSteps,
  describeMacState,
  type MacEnvironment,
} from './connectivity-mac';
import { resolveHostContext, type EngineClues } from './connectivity-platform';
import { hostRouteReader, type RouteReader } from './connectivity-routes';
import { hostNeighbourTable, judgePath, type ProofDeps } from './probe';

export interface ConnectivityDeps {
  docker(): Docker;
  engineClues(): Promise<EngineClues | undefined>;
  statusOf(cluster: string): Promise<ClusterStatus>;
  env?: NodeJS.ProcessEnv;
  mac?: MacEnvironment;
  probes?: HopProbes;
  routes?(host: HostContext): RouteReader;
  /** How long the verification waits for the tunnel's routes to appear after a start. */
  verifyWaitMs?: number;
  /** BGP mode: the router's hops for a pool IP (connectivity-bgp.ts); without it, only the route and TCP hops. */
  routerHops?: RouterHops;
}

/** The cluster's API may be unreachable (in a VM, `unshare -n`): the hops come out without it. */
async function statusOrReason(deps: ConnectivityDeps, cluster: string): Promise<ClusterStatus | { error: string }> {
  try {
    const status = await Promise.race([
      deps.statusOf(cluster),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer in 10 s')), 10_000).unref()),
    ]);
    return status.services.length === 0 && status.complete === false
      ? { error: 'the API did not list services in time' }
      : status;
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Reachability of a cluster from this machine, and docker-mac-net-connect's install, start, stop and uninstall. */
export class ConnectivityService {
  /** Set by {@link dispose}: a fix still waiting for the tunnel's routes stops waiting. */
  private disposed = false;

  constructor(private readonly deps: ConnectivityDeps) {}

  /** The app is closing: no wait of a fix in flight outlives it (each check's own calls are bounded). */
  dispose(): void {
    this.disposed = true;
  }

  private get env(): NodeJS.ProcessEnv {
    return this.deps.env ?? process.env;
  }

  async host(): Promise<HostContext> {
    const needsEngine =
      !this.env.KINDSCOPE_RUNTIME ||
      (this.env.KINDSCOPE_RUNTIME === 'docker-desktop' && !this.env.KINDSCOPE_RUNTIME_VERSION);
    return resolveHostContext(
      this.env,
      needsEngine
        ? await Promise.resolve()
            .then(() => this.deps.engineClues())
            .catch(() => undefined)
        : undefined,
    );
  }

  /**
   * Before a lab exists (the wizard's preflight): whether this machine will reach its
   * containers — on macOS with Docker Desktop, whether docker-mac-net-connect is ready.
   * Warnings only: the lab builds either way, and `kindscope connectivity --fix` comes after.
   */
  async preflight(
    cluster: string,
  ): Promise<{ name: string; ok: boolean; severity: 'warning'; detail: string; fix?: string }[]> {
    const host = await this.host();
    const name = 'reach from this machine';
    if (host.platform !== 'darwin') return [];
    if (host.runtime === 'orbstack')
      return [{ name, ok: true, severity: 'warning', detail: 'OrbStack routes container IPs to macOS itself.' }];
    const fixCommand = `kindscope connectivity --cluster ${cluster} --fix`;
    if (host.runtime !== 'docker-desktop')
      return [
        {
          name,
          ok: false,
          severity: 'warning',
          detail: `With ${host.runtime} the node and LoadBalancer IPs live in a VM this Mac has no route to.`,
          fix: planMacFix(host, { serviceRunning: false, dockerSocket: false }, false).note ?? fixCommand,
        },
      ];
    const mac = await readMacState(host, this.deps.mac ?? realMacEnvironment(this.env));
    const { plan, note } = planMacFix(host, mac, true);
    const ready = plan.length === 0 && !note;
    return [
      {
        name,
        ok: ready,
        severity: 'warning',
        detail: ready
          ? `${describeMacState(mac)}: the tunnel routes Docker networks to this Mac.`
          : `${describeMacState(mac)}: this Mac will not reach the node and LoadBalancer IPs.`,
        ...(ready
          ? {}
          : {
              fix:
                note ?? `After the lab is built: ${fixCommand} (runs ${plan.map((s) => s.display).join(', then ')}).`,
            }),
      },
    ];
  }

  /**
   * The proof's view of this machine (core/host/probe.ts): the neighbour table and the path
   * condition, judged from the cluster's Docker networks and this machine's routes. A path
   * that cannot be read is no path: nothing is sent.
   */
  proofDeps(ask?: ProofDeps['ask']): ProofDeps {
    return {
      table: hostNeighbourTable,
      path: async (cluster, ip) => {
        try {
          const host = await this.host();
          const facts = await clusterNetworkFacts(this.deps.docker(), cluster);
          const { routes, command } = await (this.deps.routes?.(host) ?? hostRouteReader(host.platform)).table();
          return judgePath(ip, facts.subnets, routes, command, host);
        } catch (error) {
          return {
            ok: false,
            detail: `This machine's path to ${ip} could not be checked (${(error as Error).message}): nothing was sent.`,
            fix: `Run \`kindscope connectivity --cluster ${cluster}\` to see each hop.`,
          };
        }
      },
      nodes: async (cluster) =>
        (await clusterNetworkFacts(this.deps.docker(), cluster)).nodes.map((n) => ({
          name: n.name,
          ...(n.mac ? { mac: n.mac } : {}),
        })),
      ...(ask ? { ask } : {}),
    };
  }

  async check(cluster: string): Promise<ConnectivityReport> {
    const host = await this.host();
    // BGP mode: the pool's own network is on the path too (its route hop, then the router's hops).
    const pool = await bgpPoolNetwork(this.deps.docker(), cluster);
    const nodesFacts = await clusterNetworkFacts(this.deps.docker(), cluster);
    const facts = pool ? withPoolNetwork(nodesFacts, pool) : nodesFacts;
    const macEnv = this.deps.mac ?? realMacEnvironment(this.env);
    const mac: MacNetConnectState | undefined =
      host.platform === 'darwin' && host.runtime === 'docker-desktop' ? await readMacState(host, macEnv) : undefined;
    const status = await statusOrReason(this.deps, cluster);
    const routes = this.deps.routes?.(host) ?? hostRouteReader(host.platform);
    const checked = await connectivityHops({
      cluster,
      host,
      facts,
      routes,
      probes: this.deps.probes ?? realHopProbes,
      status,
      ...(mac ? { mac } : {}),
    });
    const hops =
      pool && this.deps.routerHops
        ? await withRouterHops(checked, pool, facts, this.deps.routerHops, cluster)
        : checked;
    const routed = hops.filter((h) => h.hop.startsWith('host route to ')).every((h) => h.ok);
    const { plan, note } =
      host.platform === 'darwin'
        ? planMacFix(host, mac ?? { serviceRunning: false, dockerSocket: false }, routed)
        : { plan: [] as FixStep[], note: undefined };
    const failing = hops.find((h) => !h.ok);
    return {
      cluster,
      host,
      hops,
      ...(failing ? { failingHop: failing.hop } : {}),
      ...(mac ? { macNetConnect: mac } : {}),
      plan,
      removePlan: mac ? planMacRemove(mac) : [],
      ...(note ? { planNote: note } : {}),
    };
  }

  /** Runs the plan (install as the user, start as root through the prompt), then verifies. */
  async fix(cluster: string): Promise<ConnectivityFixResult> {
    const before = await this.check(cluster);
    return this.runAndVerify(cluster, before, before.plan, 'fix');
  }

  async remove(cluster: string): Promise<ConnectivityFixResult> {
    const before = await this.check(cluster);
    return this.runAndVerify(cluster, before, before.removePlan, 'remove');
  }

  private async runAndVerify(
    cluster: string,
    before: ConnectivityReport,
    plan: FixStep[],
    what: 'fix' | 'remove',
  ): Promise<ConnectivityFixResult> {
    if (plan.length === 0) {
      return {
        ok: what === 'fix' ? !before.failingHop : true,
        steps: [],
        summary:
          before.planNote ??
          (what === 'fix'
            ? before.failingHop
              ? `Nothing Kindscope can install or start fixes "${before.failingHop}".`
              : 'Nothing to do: every hop answers.'
            : 'docker-mac-net-connect is not installed.'),
        report: before,
      };
    }
    const steps = await runSteps(plan, this.env);
    let report = await this.check(cluster);
    // The tunnel's routes appear a moment after the service starts.
    const deadline = Date.now() + (this.deps.verifyWaitMs ?? 15_000);
    while (what === 'fix' && !this.disposed && steps.every((s) => s.ok) && report.failingHop && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      report = await this.check(cluster);
    }
    const failed = steps.find((s) => !s.ok);
    const stateBefore = before.macNetConnect ? describeMacState(before.macNetConnect) : 'unknown';
    const stateAfter = report.macNetConnect ? describeMacState(report.macNetConnect) : 'unknown';
    const unchanged =
      stateBefore === stateAfter ? `state unchanged: ${stateAfter}` : `state now: ${stateAfter} (was: ${stateBefore})`;
    let summary: string;
    if (failed?.denied)
      summary = `The administrator prompt was cancelled, so \`${failed.display}\` did not run; ${unchanged}.`;
    else if (failed)
      summary = `\`${failed.display}\` failed (exit ${failed.exitCode}); the steps after it did not run; ${unchanged}.`;
    else if (what === 'fix')
      summary = report.failingHop
        ? `Ran ${steps.length} step(s); verification still fails at "${report.failingHop}"; ${unchanged}.`
        : `Ran ${steps.length} step(s) and verified every hop; ${unchanged}.`;
    else summary = `Stopped and uninstalled docker-mac-net-connect; ${unchanged}.`;
    return { ok: !failed && (what === 'remove' || !report.failingHop), steps, summary, report };
  }
}
