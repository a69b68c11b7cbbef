import type { AnsweredBy, MeasuredBy } from '@contract';

/** The view that took a measurement, as the user knows it. */
export const measuredByLabel: Record<MeasuredBy, string> = {
  check: 'Check from this machine',
  ping: 'Ping',
  capture: 'Capture ARP',
  failover: 'the failover drill',
  run: "a lab run's verification",
};

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString('en-GB', { hour12: false });
}

/**
 * A measurement worded as one (never as the Lease's claim): who answered ARP, when, and which
 * view measured it — the last measurement of the IP by any view, so every table says the same.
 * "answered ARP: demo-worker (02:42:ac:12:00:03) · measured 10:42:07 by Capture ARP".
 */
export function measurementText(answeredBy: AnsweredBy | undefined): string {
  if (!answeredBy) return 'who answers ARP: not measured yet';
  const who = answeredBy.node ? `${answeredBy.node} (${answeredBy.mac})` : `${answeredBy.mac}, a MAC of no node`;
  const by = answeredBy.takenBy ? ` by ${measuredByLabel[answeredBy.takenBy]}` : '';
  return `answered ARP: ${who} · measured ${clock(answeredBy.checkedAt)}${by}`;
}
