import type { FailoverResult } from '@contract';

const width = 980;

/** The drill on one time axis: lease marks, takeover, announcement, neighbour flip, and the success rate per interval below. */
export function FailoverTimeline({ result }: { result: FailoverResult }) {
  const times = [...result.timeline.map((e) => e.atMs), ...result.intervals.map((i) => i.startMs + 500)];
  const min = Math.min(0, ...times);
  const max = Math.max(1, ...times);
  // Text in a column on the left, the time axis on the right: long labels never cover the dots.
  const axisLeft = 560;
  const x = (ms: number) => axisLeft + ((ms - min) / (max - min)) * (width - axisLeft - 20);
  const rowHeight = 18;
  const barsTop = 30 + result.timeline.length * rowHeight;
  return (
    <figure className="failover-timeline">
      <svg
        role="img"
        aria-label="Failover timeline"
        viewBox={`0 0 ${width} ${barsTop + 60}`}
        width="100%"
        style={{ maxWidth: width }}
      >
        <line x1={x(0)} x2={x(0)} y1={10} y2={barsTop + 40} className="lane" />
        {result.timeline.map((event, i) => (
          <g key={`${event.kind}-${i}`} className={`timeline-event timeline-${event.kind}`}>
            <circle cx={x(event.atMs)} cy={24 + i * rowHeight} r={4} />
            <line
              x1={axisLeft - 6}
              x2={x(event.atMs)}
              y1={24 + i * rowHeight}
              y2={24 + i * rowHeight}
              className="timeline-guide"
            />
            <text x={axisLeft - 10} textAnchor="end" y={28 + i * rowHeight} className="packet-label">
              {`${event.atMs} ms · ${event.text}`}
            </text>
          </g>
        ))}
        {result.intervals.map((interval) => {
          const rate = interval.total ? interval.ok / interval.total : 0;
          return (
            <g key={interval.startMs}>
              <title>{`${interval.startMs}–${interval.startMs + 500} ms: ${interval.ok}/${interval.total} probes answered`}</title>
              <rect
                x={x(interval.startMs)}
                y={barsTop + 30 - rate * 24}
                width={Math.max(2, x(interval.startMs + 500) - x(interval.startMs) - 2)}
                height={Math.max(1, rate * 24)}
                className={rate === 1 ? 'bar-ok' : rate === 0 ? 'bar-bad' : 'bar-partial'}
              />
            </g>
          );
        })}
        <text x={axisLeft - 10} textAnchor="end" y={barsTop + 28} className="packet-time">
          success per 500 ms, probed every {result.samplingIntervalMs} ms
        </text>
      </svg>
    </figure>
  );
}
