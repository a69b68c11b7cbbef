import type { RunRecord } from '@contract';
import { useAppStore } from '../../app-context';
import { VerdictLine } from './VerdictLine';

/** What a BGP-mode create run recorded at its end (core/lab/run/bgp-run.ts `BgpVerification`), read loosely from the journal. */
interface BgpVerificationFacts {
  ip: string;
  port?: number;
  http?: { ok?: boolean; status?: number; ms?: number; error?: string };
  answeredPod?: string;
  hops?: { hop: string; detail: string }[];
  reachable?: boolean;
}

function bgpVerificationOf(run: Pick<RunRecord, 'facts'>): BgpVerificationFacts | undefined {
  const facts = run.facts.bgpVerification as BgpVerificationFacts | undefined;
  return facts && typeof facts.ip === 'string' ? facts : undefined;
}

/**
 * The end of a BGP-mode run (issue 29): the sample IP measured from this machine through the
 * router, and the hops the verification named — this machine's route to the pool, the router,
 * the next hops it installed (measured, with their time), the one this flow took, the answer.
 */
export function BgpRunResult({ run }: { run: RunRecord }) {
  const selectCluster = useAppStore((state) => state.selectCluster);
  const result = bgpVerificationOf(run);
  if (!result) return null;
  return (
    <section className="card run-result" aria-label="Result">
      <header className="card-header">
        <h2>Measured from this machine, through the router</h2>
        <span className="spacer" />
        <a className="button button-small" href="#/topology" onClick={() => selectCluster(run.cluster)}>
          Open in Topology
        </a>
      </header>
      <div className="result-row" aria-label={`IP ${result.ip}`} role="group">
        <VerdictLine
          ip={result.ip}
          reachable={result.reachable === true}
          http={result.http}
          extra={result.answeredPod ? ` · answered by pod ${result.answeredPod}` : ''}
        />
      </div>
      <ol aria-label="Path from this machine through the router">
        {(result.hops ?? []).map((hop) => (
          <li key={hop.hop}>
            <strong>{hop.hop}</strong>: {hop.detail}
          </li>
        ))}
      </ol>
    </section>
  );
}
