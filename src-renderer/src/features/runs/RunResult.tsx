import type { ConnectivityHop, RunRecord } from '@contract';
import { useAppStore } from '../../app-context';
import { FindingList } from '../../components/FindingList';
import { RichText } from '../../components/RichText';
import { BgpRunResult } from './BgpRunResult';
import { clock, hopsOf, verificationsOf, type Verification } from './verification';
import { VerdictLine } from './VerdictLine';

/**
 * The run's measured end: each IP, whether it answered HTTP from this machine, and beside
 * each other — never merged — the claim (the Lease's holder) and the measurement (whose
 * MAC answered ARP, and when).
 */
export function RunResult({ run }: { run: RunRecord }) {
  const selectCluster = useAppStore((state) => state.selectCluster);
  const results = verificationsOf(run);
  // BGP mode records its own verification (through the router), shown by its own part.
  if (results.length === 0) return <BgpRunResult run={run} />;
  return (
    <section className="card run-result" aria-label="Result">
      <header className="card-header">
        <h2>Measured from this machine</h2>
        <span className="spacer" />
        <a className="button button-small" href="#/topology" onClick={() => selectCluster(run.cluster)}>
          Open in Topology
        </a>
        <a className="button button-small" href="#/troubleshoot" onClick={() => selectCluster(run.cluster)}>
          Troubleshoot
        </a>
      </header>
      {results.map((result) => (
        <ResultRow key={result.ip} result={result} />
      ))}
      <PathHops hops={hopsOf(run)} />
    </section>
  );
}

function ResultRow({ result }: { result: Verification }) {
  const answered = result.answeredBy;
  return (
    <div className="result-row" aria-label={`IP ${result.ip}`} role="group">
      <VerdictLine ip={result.ip} reachable={result.reachable} http={result.http} />
      <dl className="result-facts">
        <div>
          <dt>Answered ARP (measured)</dt>
          <dd>
            {answered
              ? `answered ARP: ${answered.node ?? 'not a node of this cluster'} (${answered.mac}, checked ${clock(answered.checkedAt)})`
              : 'not measured: no neighbour entry readable here'}
          </dd>
        </div>
        <div>
          <dt>L2 lease (claimed)</dt>
          <dd>
            {result.leaseHolder
              ? `lease held by ${result.leaseHolder.node}${result.leaseHolder.mac ? ` (${result.leaseHolder.mac})` : ''}`
              : 'no lease holder'}
          </dd>
        </div>
      </dl>
      <FindingList findings={result.findings} label={`Findings for ${result.ip}`} />
    </div>
  );
}

/** The hops `kindscope connectivity` checks, as the verification saw them: where the path breaks, with its fix. */
function PathHops({ hops }: { hops: ConnectivityHop[] }) {
  if (hops.length === 0) return null;
  const broken = hops.filter((h) => !h.ok).length;
  return (
    <details className="path-hops" open={broken > 0}>
      <summary>
        Path from this machine:{' '}
        {broken === 0 ? `all ${hops.length} hops answer` : `${broken} of ${hops.length} hops fail`}
      </summary>
      <ol aria-label="Path from this machine">
        {hops.map((hop) => (
          <li key={hop.hop} className={hop.ok ? 'hop-ok' : 'hop-bad'}>
            <span className="hop-state">{hop.ok ? '✓ ok' : '✗ fails'}</span> <strong>{hop.hop}</strong>:{' '}
            <RichText text={hop.detail} />
            {!hop.ok && hop.fix && (
              <div>
                Fix: <RichText text={hop.fix} />
              </div>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}
