/**
 * Entries of `cilium-config` whose key or meaning changed between chart minors, written the way
 * each minor's templates read the values. Which minor reads which value is taken from the chart
 * itself: ../shared/upstream/cilium-chart/<version>/template-reads.txt lists every `.Values.…`
 * path a version's templates reference.
 *
 * L2 pod announcements: up to 1.18 the chart reads `l2podAnnouncements.interface` (default
 * "eth0") into `l2-pod-announcements-interface`; 1.18 also reads `interfacePattern`; from 1.19
 * only `interfacePattern` is read (`--l2-pod-announcements-interface` was replaced by
 * `…-interface-pattern`, ../shared/FACTS.md, 1.19), so a release carrying the old key into 1.19
 * ends with no announcing interface configured: helm ignores the value silently.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KubeObject } from '../apiserver/kube-object.ts';
import { chartVersionParts } from './chart-rules.ts';

const readsCache = new Map<string, Set<string> | undefined>();

/** The `.Values` paths a chart version's templates read, or undefined without the upstream data. */
export function templateReads(chartVersion: string): Set<string> | undefined {
  const [major, minor] = chartVersionParts(chartVersion);
  const key = `${major}.${minor}`;
  if (!readsCache.has(key)) {
    const dir = join(
      process.env.KINDSCOPE_UPSTREAM ?? resolve(import.meta.dirname, '../../../../shared/upstream'),
      'cilium-chart',
    );
    const match = existsSync(dir) ? readdirSync(dir).find((d) => d.startsWith(`${key}.`)) : undefined;
    const file = match ? join(dir, match, 'template-reads.txt') : undefined;
    readsCache.set(
      key,
      file && existsSync(file)
        ? new Set(
            readFileSync(file, 'utf8')
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean),
          )
        : undefined,
    );
  }
  return readsCache.get(key);
}

export function l2PodAnnouncementConfig(values: KubeObject, chartVersion: string): Record<string, string> {
  const pod = (values.l2podAnnouncements ?? {}) as KubeObject;
  if (pod.enabled !== true) return {};
  const reads = templateReads(chartVersion);
  const readsInterface = reads ? reads.has('l2podAnnouncements.interface') : true;
  const readsPattern = reads ? reads.has('l2podAnnouncements.interfacePattern') : false;
  const config: Record<string, string> = { 'enable-l2-pod-announcements': 'true' };
  if (readsPattern && pod.interfacePattern)
    config['l2-pod-announcements-interface-pattern'] = String(pod.interfacePattern);
  else if (readsInterface) config['l2-pod-announcements-interface'] = String(pod.interface ?? 'eth0');
  return config;
}
