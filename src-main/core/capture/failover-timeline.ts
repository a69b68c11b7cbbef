import type { ArpPacket, FailoverResult, HttpProbe, LeaseTimings, TimelineEvent } from '../../contract';
import { announcementForm } from './arp-verdict';
import { parseGoDuration } from './lease-timings';

/**
 * The failover drill's result from its samples (failover-drill.ts runs the drill): the
 * downtime and its ends, the success rate per bucket, the lease's marks on the timeline, and
 * the explanation in words.
 */

/** One HTTP probe of the drill, at its time since the stop (ms). */
export interface Sample {
  atMs: number;
  http: HttpProbe;
}

/** Width of a success-rate bucket, ms. */
const bucketMs = 500;

export function firstOkAfterOutage(samples: Sample[]): number | undefined {
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  const firstFail = sorted.findIndex((s) => !s.http.ok);
  if (firstFail < 0) return undefined;
  return sorted.slice(firstFail).find((s) => s.http.ok)?.atMs;
}

/**
 * From the last good probe before the outage to the first good one after it (ms): the
 * outage lies within, to one sampling interval. Without a good probe before, from the
 * first failed one. Undefined while HTTP has not come back.
 */
export function measureDowntime(samples: Sample[]): number | undefined {
  if (samples.length > 0 && samples.every((s) => s.http.ok)) return 0;
  const window = downtimeWindow(samples);
  return window && window.toMs - window.fromMs;
}

/** The downtime's ends on the timeline: the one definition `measureDowntime` and the timeline share. */
export function downtimeWindow(samples: Sample[]): { fromMs: number; toMs: number } | undefined {
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  const firstFail = sorted.findIndex((s) => !s.http.ok);
  if (firstFail < 0) return undefined;
  const back = firstOkAfterOutage(sorted);
  if (back === undefined) return undefined;
  const lastGood = firstFail > 0 ? sorted[firstFail - 1]!.atMs : sorted[firstFail]!.atMs;
  return { fromMs: lastGood, toMs: back };
}

export function buckets(samples: Sample[]): FailoverResult['intervals'] {
  const map = new Map<number, { ok: number; total: number }>();
  for (const sample of samples) {
    const start = Math.floor(sample.atMs / bucketMs) * bucketMs;
    const bucket = map.get(start) ?? { ok: 0, total: 0 };
    bucket.total++;
    if (sample.http.ok) bucket.ok++;
    map.set(start, bucket);
  }
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([startMs, b]) => ({ startMs, ...b }));
}

export function addLeaseMarks(timeline: TimelineEvent[], lastRenewMs: number, timings: LeaseTimings): void {
  const ms = (d: string) => parseGoDuration(d) ?? 0;
  timeline.push({ atMs: lastRenewMs, kind: 'last-renew', text: 'the old holder last renewed the lease' });
  timeline.push({
    atMs: lastRenewMs + ms(timings.renewDeadline),
    kind: 'renew-deadline',
    text: `renew deadline (${timings.renewDeadline}) passes: the old holder could not have renewed`,
  });
  timeline.push({
    atMs: lastRenewMs + ms(timings.leaseDuration),
    kind: 'lease-expiry',
    text: `lease duration (${timings.leaseDuration}) ends: another node may take it`,
  });
}

export function explain(facts: {
  claim: string;
  newHolder?: { node: string; mac?: string };
  downtimeMs?: number;
  downtime?: { fromMs: number; toMs: number } | undefined;
  intervalMs: number;
  timings: LeaseTimings;
  gratuitous?: ArpPacket;
  httpAfter?: HttpProbe;
  restarted: boolean;
}): string {
  const parts: string[] = [];
  parts.push(
    facts.newHolder
      ? `${facts.newHolder.node} took the lease over from ${facts.claim}`
      : `No node took the lease over from ${facts.claim} in time`,
  );
  if (facts.gratuitous) parts.push(`and announced the IP with ${announcementForm(facts.gratuitous)}`);
  let text = parts.join(' ') + '.';
  if (facts.downtimeMs !== undefined)
    text +=
      ` HTTP was down for ${facts.downtimeMs} ` +
      `ms${
        facts.downtime
          ? `, from its last answer at ${facts.downtime.fromMs} ms to its first answer again at ` +
            `${facts.downtime.toMs} ms (0 = the stop)`
          : ''
      } ` +
      `(± ${facts.intervalMs} ms sampling); ` +
      `the lease timings (${facts.timings.leaseDuration} duration, ` +
      `${facts.timings.retryPeriod} retry) predict at most ` +
      `${facts.timings.predictedMaxDowntimeMs} ms.`;
  text += facts.httpAfter?.ok ? ' HTTP answers again.' : ' HTTP does not answer afterwards.';
  text += facts.restarted ? ` ${facts.claim} was started again.` : ` ${facts.claim} could not be started again.`;
  return text;
}
