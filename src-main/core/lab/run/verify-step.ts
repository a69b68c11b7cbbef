import ipaddr from 'ipaddr.js';
import { KindscopeError, type ConnectivityHop } from '../../../contract';
import type { ClusterStatusSource } from './cluster-watch';
import type { StepContext, StepDefinition } from './pipeline-runner';
import type { Verification } from './verify-service';

/** What the final verification uses: the live status, the measured probe, and `kindscope connectivity`'s hop checks. */
export interface VerifyStepDeps {
  statusSource(): ClusterStatusSource;
  verify(namespace: string, name: string): Promise<Verification | undefined>;
  /** The hops from this machine to the cluster, as `kindscope connectivity` checks them. */
  hostCheck?(): Promise<ConnectivityHop[]>;
}

/** One service (create: `facts.verification`) or every LoadBalancer IP (fix, start: `facts.verifications`). */
export type VerifyTarget = { namespace: string; name: string } | 'every-ip';

/**
 * The last step of create, fix and start: each IP measured from this machine (neighbour entry
 * cleared, HTTP, which MAC answered), then the same hop-by-hop checks `kindscope connectivity`
 * runs — so a failure names the hop where the path breaks (a missing route, a node that does
 * not answer ping, docker-mac-net-connect down) and that hop's fix, not only "no answer".
 */
export function verifyStep(deps: VerifyStepDeps, target: VerifyTarget): StepDefinition {
  const one = target !== 'every-ip';
  return {
    name: 'verify',
    title: one ? 'Prove the IP answers from this machine' : 'Prove every IP answers from this machine',
    command:
      `${one ? "clear this machine's neighbour entry for the IP; HTTP GET http://IP/" : "for each IP: clear this machine's neighbour entry; HTTP GET"}; ` +
      `read which MAC answered ARP; then the hops kindscope connectivity checks`,
    run: async (context) => {
      const results = one ? [await measureOne(deps, target, context)] : await measureAll(deps, context);
      if (one) context.facts.verification = results[0];
      else context.facts.verifications = results;
      const hops = await checkPath(deps, context);
      const failed = results.filter((r) => !r.reachable);
      if (failed.length === 0) return;
      const first = failed[0]!;
      const broken = blame(hops, first.ip);
      // The proof names the first condition that failed (path, who answered ARP, what answered) and its fix.
      const unproven = first.proof && !first.proof.proven ? first.proof : undefined;
      const condition = unproven?.failing
        ? unproven.failing === 'path'
          ? unproven.path.detail
          : unproven.failing === 'arp'
            ? unproven.arp.detail
            : unproven.answer.detail
        : undefined;
      const cause = broken
        ? `; the path breaks at "${broken.hop}": ${broken.detail}`
        : condition
          ? `: not proven — ${condition}`
          : one
            ? ` (${first.http.error ?? 'no response'})`
            : '';
      throw new KindscopeError(
        'INTERNAL',
        `${failed.map((r) => r.ip).join(', ')} ${condition && !broken ? 'is not proven to answer' : 'did not answer'} from this machine${cause}`,
        broken?.fix ?? unproven?.fix ?? first.findings[0]?.fix ?? 'Run `kindscope check` for the explanation.',
      );
    },
  };
}

async function measureOne(
  deps: VerifyStepDeps,
  target: { namespace: string; name: string },
  context: StepContext,
): Promise<Verification> {
  const verification = await deps.verify(target.namespace, target.name);
  if (!verification)
    throw new KindscopeError(
      'INTERNAL',
      `${target.namespace}/${target.name} has no external IP to verify`,
      'Resume the run: the external IP step runs again.',
    );
  context.log(
    `HTTP ${verification.http.status ?? verification.http.error} from ${verification.ip}:${verification.port} in ${verification.http.ms} ms`,
  );
  context.log(
    `lease held by ${verification.leaseHolder?.node ?? 'nobody'}${verification.leaseHolder?.mac ? ` (${verification.leaseHolder.mac})` : ''}`,
  );
  context.log(answeredText(verification));
  if (verification.proof)
    context.log(
      `path: ${verification.proof.path.detail}\nanswer: ${verification.proof.answer.detail}\nproof: ` +
        `${verification.proof.proven ? 'proven' : `not proven (${verification.proof.failing})`}`,
    );
  for (const finding of verification.findings) context.log(`! ${finding.message}\n  fix: ${finding.fix}`);
  return verification;
}

async function measureAll(deps: VerifyStepDeps, context: StepContext): Promise<Verification[]> {
  const status = await deps.statusSource().status();
  const results: Verification[] = [];
  for (const service of status.services.filter((s) => s.externalIPs.length > 0)) {
    const verification = await deps.verify(service.namespace, service.name);
    if (!verification) continue;
    results.push(verification);
    context.log(
      `${service.namespace}/${service.name} ${verification.ip}: ` +
        `${verification.reachable ? `HTTP ${verification.http.status}` : `no answer (${verification.http.error ?? '?'})`}; ` +
        `lease held by ${verification.leaseHolder?.node ?? 'nobody'}; ${answeredText(verification)}`,
    );
  }
  return results;
}

const answeredText = (v: Verification) =>
  v.answeredBy
    ? `answered ARP: ${v.answeredBy.node ?? 'not a node of this cluster'} (${v.answeredBy.mac}, checked ${v.answeredBy.checkedAt})`
    : (v.proof?.arp.detail ?? 'answered ARP: not measurable here (no neighbour entry readable here)');

/** The connectivity hops, logged and kept in `facts.connectivity`. A check that cannot run (or is cancelled) is logged, never fatal. */
async function checkPath(deps: VerifyStepDeps, context: StepContext): Promise<ConnectivityHop[]> {
  if (!deps.hostCheck) return [];
  let hops: ConnectivityHop[];
  try {
    hops = await untilAborted(deps.hostCheck(), context.signal);
  } catch (error) {
    context.signal.throwIfAborted();
    context.log(`path from this machine: not checked (${(error as Error).message})`);
    return [];
  }
  context.facts.connectivity = hops;
  context.log('path from this machine (kindscope connectivity):');
  for (const hop of hops)
    context.log(
      `  ${hop.ok ? '✓' : '✗'} ${hop.hop}: ${hop.detail}${hop.fix && !hop.ok ? `\n    fix: ${hop.fix}` : ''}`,
    );
  return hops;
}

/**
 * The failing hop on the way to an IP that did not answer: docker-mac-net-connect's tunnel,
 * the route of the subnet holding the IP, or the IP's own TCP hop — never a hop about
 * something else (a node that drops ICMP says nothing about a VIP). None: the measurement's
 * own finding explains it.
 */
export function blame(hops: readonly ConnectivityHop[], ip: string): ConnectivityHop | undefined {
  const failing = hops.filter((h) => !h.ok);
  const inSubnet = (cidr: string) => {
    try {
      const address = ipaddr.parse(ip);
      const range = ipaddr.parseCIDR(cidr);
      return address.kind() === range[0].kind() && address.match(range);
    } catch {
      return false;
    }
  };
  return (
    failing.find((h) => h.hop === 'docker-mac-net-connect') ??
    failing.find((h) => h.target?.includes('/') && inSubnet(h.target)) ??
    failing.find((h) => h.target === ip && h.hop.startsWith('TCP '))
  );
}

/** The check's answer, or the step's cancellation, whichever comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
