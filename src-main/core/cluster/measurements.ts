import type { AnsweredBy, MeasuredBy } from '../../contract';
import { Emitter, type Event } from '../util/emitter';

/** One measurement as stored: who answered ARP for `ip` in `cluster`, when, and which view took it. */
export interface Measurement extends AnsweredBy {
  takenBy: MeasuredBy;
}

/**
 * The one store of ARP measurements, keyed by cluster and IP: whichever view measured last
 * (a check, a ping of the service, a capture, the failover drill, a run's verification) is
 * what every view shows — so Services, Troubleshoot and Clusters never say "not measured"
 * right after another view measured. A measurement is kept apart from the Lease's claim
 * (`leaseHolder`): the model shows both, worded differently. Keyed by IP, not by service: an
 * IP that moved to another service is still the same measurement of that IP; a service that
 * got another IP has none until measured again. In memory: a measurement is of a moment, and
 * a restart of Kindscope starts with none.
 */
export class MeasurementStore {
  private readonly byKey = new Map<string, Measurement>();
  private readonly recorded = new Emitter<{ cluster: string; ip: string; measurement: Measurement }>();
  /** A new measurement (a session recomputes its cluster's model). */
  readonly onDidRecord: Event<{ cluster: string; ip: string; measurement: Measurement }> = this.recorded.event;

  /** Keeps a measurement unless one taken later is already stored (two views measuring at once). */
  record(cluster: string, ip: string, answeredBy: AnsweredBy, takenBy: MeasuredBy): void {
    const key = keyOf(cluster, ip);
    const last = this.byKey.get(key);
    if (last && Date.parse(last.checkedAt) > Date.parse(answeredBy.checkedAt)) return;
    const measurement: Measurement = { ...answeredBy, takenBy };
    this.byKey.set(key, measurement);
    this.recorded.fire({ cluster, ip, measurement });
  }

  /** The last measurement of `ip` in `cluster`, by any view. */
  get(cluster: string, ip: string): Measurement | undefined {
    return this.byKey.get(keyOf(cluster, ip));
  }

  /** A cluster's measurements, by IP (the status model's input). */
  of(cluster: string): ReadonlyMap<string, Measurement> {
    const prefix = `${cluster}\u0000`;
    return new Map(
      [...this.byKey].filter(([key]) => key.startsWith(prefix)).map(([key, m]) => [key.slice(prefix.length), m]),
    );
  }

  dispose(): void {
    this.recorded.dispose();
  }
}

const keyOf = (cluster: string, ip: string) => `${cluster}\u0000${ip}`;
