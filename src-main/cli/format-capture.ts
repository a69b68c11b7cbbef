import type { ArpPacket, CaptureResult, DecodedCapture, FailoverResult, PingResult } from '../contract';

/** One line per packet, as tcpdump words it ("Request who-has X tell Y", "Reply X is-at M"). */
export function formatPacket(p: ArpPacket): string {
  const time = p.time.slice(11, 26);
  const what =
    p.op === 'request'
      ? `Request who-has ${p.targetIp} tell ${p.senderIp} (${p.senderMac})`
      : p.op === 'reply'
        ? `Reply ${p.senderIp} is-at ${p.senderMac} (to ${p.targetIp} ${p.targetMac})`
        : `opcode ${p.opcode} from ${p.senderIp} ${p.senderMac}`;
  return `  ${String(p.frame).padStart(3)}  ${time}  ${p.gratuitous ? 'gratuitous ' : ''}${what}${p.direction ? `  [${p.direction}]` : ''}`;
}

export function formatDecoded(file: string, decoded: DecodedCapture): string {
  const head =
    `${file}: ${decoded.format}, ${decoded.linkTypes.map((l) => l.name).join(', ')}; ` +
    `${decoded.packets.length} ARP packet(s) of ${decoded.frames} ` +
    `frame(s)${decoded.skipped ? ` (${decoded.skipped} not Ethernet/IPv4 ARP, skipped)` : ''}`;
  return [head, ...decoded.packets.map(formatPacket)].join('\n') + '\n';
}

export function formatCapture(result: CaptureResult): string {
  const lines = [
    `${result.service}${result.ip ? ` (${result.ip})` : ''}: ${result.verdict}`,
    `  ${result.explanation}`,
  ];
  if (result.leaseHolder)
    lines.push(
      `  lease held by ${result.leaseHolder.node}${result.leaseHolder.mac ? ` (${result.leaseHolder.mac})` : ''}`,
    );
  if (result.answeredBy)
    lines.push(
      `  answered ARP: ${result.answeredBy.node ?? result.answeredBy.mac} (${result.answeredBy.mac}, checked ${result.answeredBy.checkedAt.slice(11, 23)})`,
    );
  if (result.capturedOn)
    lines.push(
      `  captured on ${result.capturedOn.node} (-i ${result.capturedOn.interface}) with ${result.image} for ${result.seconds} s`,
    );
  if (result.http)
    lines.push(
      `  HTTP from this machine: ${result.http.ok ? `${result.http.status} in ${result.http.ms} ms` : (result.http.error ?? result.http.status)}`,
    );
  lines.push(...result.packets.map(formatPacket));
  if (result.pcapPath) lines.push(`  pcap: ${result.pcapPath} (open it in Wireshark)`);
  for (const f of result.findings) lines.push(`  ! ${f.message}`, `    fix: ${f.fix}`);
  return lines.join('\n') + '\n';
}

export function formatPing(result: PingResult): string {
  const lines = [
    `${result.target.name}${result.target.ip ? ` (${result.target.ip})` : ''}: ${result.verdict}`,
    `  ${result.explanation}`,
  ];
  if (result.icmp?.rttMs.length) lines.push(`  rtt: ${result.icmp.rttMs.map((r) => `${r} ms`).join(', ')}`);
  if (result.fix) lines.push(`  fix: ${result.fix}`);
  return lines.join('\n') + '\n';
}

export function formatFailover(result: FailoverResult): string {
  if (result.bgp) return formatBgpFailover(result, result.bgp);
  const t = result.leaseTimings;
  const lines = [
    `${result.service} (${result.ip}) failover drill`,
    `  ${result.explanation}`,
    `  old holder: ${result.oldHolder.node} (${result.oldHolder.mac ?? '?'})   new holder: ` +
      `${result.newHolder ? `${result.newHolder.node} (${result.newHolder.mac ?? '?'})` : 'none'}`,
    `  downtime: ${result.downtimeMs ?? '?'} ` +
      `ms${result.downtime ? ` (last answer ${result.downtime.fromMs} ms → answers again ${result.downtime.toMs} ms)` : ''}, ` +
      `sampled every ${result.samplingIntervalMs} ms` +
      (t
        ? `; lease ${t.leaseDuration} / renew deadline ${t.renewDeadline} / retry ${t.retryPeriod} ` +
          `(${t.source}) predict ≤ ${t.predictedMaxDowntimeMs} ms`
        : ''),
  ];
  if (result.gratuitous) lines.push(`  announcement:${formatPacket(result.gratuitous).slice(1)}`);
  lines.push(
    '  timeline (ms after the stop):',
    ...result.timeline.map((e) => `    ${String(e.atMs).padStart(7)}  ${e.kind.padEnd(15)} ${e.text}`),
  );
  lines.push(`  success per ${500} ms: ${result.intervals.map((i) => `${i.ok}/${i.total}`).join(' ')}`);
  if (result.pcapPath) lines.push(`  pcap: ${result.pcapPath}`);
  return lines.join('\n') + '\n';
}

/** The drill in BGP mode: measured (router, probes) and predicted (the peer config's timers) on separate lines, the claim apart. */
function formatBgpFailover(result: FailoverResult, bgp: NonNullable<FailoverResult['bgp']>): string {
  const c = bgp.configured;
  const n = bgp.negotiated;
  const lines = [
    `${result.service} (${result.ip}) failover drill, BGP mode, ${result.stop === 'pause' ? 'docker pause' : 'docker stop'} of ${bgp.stoppedNode.node} (${bgp.stoppedNode.ip})`,
    `  ${result.explanation}`,
    `  measured withdrawal: ${bgp.withdrawnMs !== undefined ? `${bgp.withdrawnMs} ms` : 'none'} (router ${bgp.router} read ${bgp.routerReadings} times, every ~${bgp.routerSamplingMs} ms; last seen ${bgp.lastSeenMs ?? '?'} ms)` +
      `${bgp.sessionDownMs !== undefined ? `; session down ${bgp.sessionDownMs} ms` : ''}${bgp.staleMs !== undefined ? `; stale from ${bgp.staleMs} ms` : ''} → ${bgp.verdict}`,
    `  predicted withdrawal: ${bgp.prediction.fromMs}–${bgp.prediction.toMs} ms: ${bgp.prediction.rule}`,
    `  configured (${c.peerConfig}): hold ${c.holdTimeSeconds} s, keepalive ${c.keepAliveTimeSeconds} s, graceful restart ${c.gracefulRestart.enabled ? `on, restart time ${c.gracefulRestart.restartTimeSeconds} s` : 'off'}` +
      (n
        ? `; the router measured: hold ${n.holdTimeMs ?? '?'} ms, keepalive ${n.keepaliveMs ?? '?'} ms, graceful restart router ${n.routerGrMode ?? '?'} / node ${n.nodeGrMode ?? '?'}${n.notificationGr ? ', N bit' : ''}`
        : ''),
    `  measured downtime from this machine: ${result.downtimeMs ?? '?'} ms` +
      `${result.downtime ? ` (last answer ${result.downtime.fromMs} ms → answers again ${result.downtime.toMs} ms)` : ''}, sampled every ${result.samplingIntervalMs} ms`,
    `  router's next hops: before ${bgp.nextHopsBefore.join(', ') || 'none'}; at the end ${bgp.nextHopsAfter.join(', ') || 'none'}`,
    `  claim (${bgp.stoppedNode.node}'s CiliumBGPNodeConfig): ${bgp.claim.before ?? '?'} before, ${bgp.claim.after ?? '?'} after`,
    '  timeline (ms after the stop):',
    ...result.timeline.map((e) => `    ${String(e.atMs).padStart(7)}  ${e.kind.padEnd(20)} ${e.text}`),
    `  success per 500 ms: ${result.intervals.map((i) => `${i.ok}/${i.total}`).join(' ')}`,
  ];
  return lines.join('\n') + '\n';
}
