/** The HTTP answer a verification measured (or why there was none). */
interface HttpAnswer {
  status?: number | undefined;
  ms?: number | undefined;
  error?: string | undefined;
}

/**
 * The first line of every verified IP, in L2 and BGP mode alike: the IP, the verdict and the
 * HTTP answer (`extra` after it: who answered, in words the mode has).
 */
export function VerdictLine({
  ip,
  reachable,
  http,
  extra = '',
}: {
  ip: string;
  reachable: boolean;
  http: HttpAnswer | undefined;
  extra?: string;
}) {
  return (
    <>
      <code className="result-ip">{ip}</code>
      <span
        className={`result-verdict ${reachable ? 'result-ok' : 'result-bad'}`}
        role="status"
        aria-label="Reachability"
      >
        {reachable ? 'Reachable' : 'Not reachable'}
      </span>
      <span className="muted">
        {http?.status ? `HTTP ${http.status}${http.ms !== undefined ? ` in ${http.ms} ms` : ''}` : (http?.error ?? '')}
        {extra}
      </span>
    </>
  );
}
