/**
 * The responder under benchmark, in a process of its own (as dnsmasq is): a zone of
 * `BENCH_DNS_SERVICES` LoadBalancer services built by the product's own zone builder from
 * a cluster status, served on 127.0.0.1:<argv[2]>. Prints "ready <port>".
 */
import { DnsResponder } from '../src-main/core/dns/dns-responder';
import { statusWith } from '../src-main/core/dns/dns-test-client';
import { buildZoneIndex } from '../src-main/core/dns/dns-zone';
import { createStderrLogger } from '../src-main/core/util/logger';
import { benchServices } from './dns-names';

const zone = buildZoneIndex([
  statusWith(
    'bench',
    benchServices().map((s) => ({ namespace: s.namespace, name: s.name, ips: [s.ip] })),
  ),
]);
// The benchmark's client sockets each stay far below the per-source limit; the limit stays the product's default.
const responder = new DnsResponder({
  port: Number(process.argv[2] ?? 0),
  zone: () => zone,
  log: createStderrLogger('bench-dns', 'warn'),
});
const port = await responder.start();
process.stdout.write(`ready ${port}\n`);
