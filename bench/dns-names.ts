/** The benchmark's 500 services (BENCH_DNS_SERVICES): the same names for Kindscope's zone and dnsmasq's hosts file. */
export function benchServices(
  count = Number(process.env.BENCH_DNS_SERVICES ?? 500),
): { namespace: string; name: string; ip: string; fqdn: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const namespace = `team-${i % 10}`;
    const name = `svc-${i}`;
    return {
      namespace,
      name,
      ip: `172.18.${200 + Math.floor(i / 250)}.${(i % 250) + 1}`,
      fqdn: `${name}.${namespace}.bench.kind.internal`,
    };
  });
}
