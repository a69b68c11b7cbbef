/**
 * The pool carving as bash, for the standalone script: the same walk as `carvePool` and the
 * same refusals as `checkPool` (pool-carve.ts), over the same inputs read the same way at
 * run time (the network's subnet, gateway and containers, the kind nodes' addresses, the
 * plan's pod and service subnets, the other kind clusters' pools on the network). The
 * script runs where Kindscope may not: it must not assume the subnet Docker will give.
 * script-carve.test.ts runs it against `carvePool` on the same inputs.
 */
import type { LabPlan } from '../../../contract';
import { shellQuote } from './script';

/** The bash functions, and the command lines that carve or check the plan's pool into `$pool_cidr`. */
export function carveFunctions(plan: LabPlan): string {
  const own = shellQuote(plan.cluster.name);
  return (
    String.raw`# The LoadBalancer pool, carved from (or checked against) the kind network once kind has made it,
# as Kindscope carves it: a free /24 (x.y.250.0/24 first), else smaller blocks down to a /29.
kind_network="${'$'}{KIND_EXPERIMENTAL_DOCKER_NETWORK:-kind}"
ipv4_int() { local a b c d; IFS=. read -r a b c d <<<"$1"; echo $(( (a << 24) + (b << 16) + (c << 8) + d )); }
ipv4_text() { echo "$(( ($1 >> 24) & 255 )).$(( ($1 >> 16) & 255 )).$(( ($1 >> 8) & 255 )).$(( $1 & 255 ))"; }
# "first last" (integers) of an IPv4 CIDR or address.
ipv4_range() {
  local bits=32 size value
  if [[ "$1" == */* ]]; then bits="${'$'}{1#*/}"; fi
  value="$(ipv4_int "${'$'}{1%/*}")"
  size=$(( 1 << (32 - bits) ))
  value=$(( value / size * size ))
  echo "$value $(( value + size - 1 ))"
}
is_ipv4() { [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(/[0-9]+)?$ ]]; }
network_subnet() {
  docker network inspect "$1" --format '{{range .IPAM.Config}}{{.Subnet}} {{end}}' | tr ' ' '\n' | grep -F . | head -n 1 || true
}
# Everything on the network a pool must avoid, one CIDR or address a line.
network_used() {
  local network="$1" subnet="$2" gateway first node cluster
  gateway="$(docker network inspect "$network" --format '{{range .IPAM.Config}}{{.Gateway}} {{end}}' | tr ' ' '\n' | grep -F . | head -n 1 || true)"
  if [ -z "$gateway" ]; then
    read -r first _ <<<"$(ipv4_range "$subnet")"
    gateway="$(ipv4_text $(( first + 1 )))"
  fi
  echo "$gateway"
  docker network inspect "$network" --format '{{range .Containers}}{{.IPv4Address}} {{end}}' | tr ' ' '\n' | sed 's|/.*||' | grep -F . || true
  for node in $(docker ps --all --quiet --filter label=io.x-k8s.kind.cluster); do
    # A node removed since the list has no address to avoid (and no "No such object" in the output).
    docker inspect "$node" --format "{{with index .NetworkSettings.Networks \"$network\"}}{{.IPAddress}}{{end}}" 2>/dev/null || true
  done
  echo ${shellQuote(plan.cluster.podSubnet)}
  echo ${shellQuote(plan.cluster.serviceSubnet)}
  for cluster in $(docker ps --all --filter label=io.x-k8s.kind.cluster --filter "network=$network" --format '{{.Label "io.x-k8s.kind.cluster"}}' | sort -u); do
    if [ "$cluster" = ${own} ]; then continue; fi
    kubectl --context "kind-$cluster" get ciliumloadbalancerippools.v2alpha1.cilium.io --output \
      'jsonpath={range .items[*]}{range .spec.blocks[*]}{.cidr}{"\n"}{end}{range .spec.cidrs[*]}{.cidr}{"\n"}{end}{end}' 2>/dev/null || true
  done
}
# used_ranges: "first last" of the network's own network and broadcast addresses and of everything in use.
load_used_ranges() {
  local network="$1" subnet="$2" net_first net_last line
  read -r net_first net_last <<<"$(ipv4_range "$subnet")"
  used_ranges=("$net_first $net_first" "$net_last $net_last")
  while read -r line; do
    if is_ipv4 "$line"; then used_ranges+=("$(ipv4_range "$line")"); fi
  done < <(network_used "$network" "$subnet")
}
# The first used range overlapping "first last", as its index; fails when none does.
overlapping() {
  local i a b
  for i in "${'$'}{!used_ranges[@]}"; do
    read -r a b <<<"${'$'}{used_ranges[$i]}"
    if (( a <= $2 && $1 <= b )); then echo "$i"; return 0; fi
  done
  return 1
}
carve_pool() {
  local network="$1" subnet net_first net_last net_bits block_bits size count start index first
  subnet="$(network_subnet "$network")"
  if [ -z "$subnet" ]; then echo "The $network network has no IPv4 subnet to carve the pool from" >&2; return 1; fi
  load_used_ranges "$network" "$subnet"
  read -r net_first net_last <<<"$(ipv4_range "$subnet")"
  net_bits="${'$'}{subnet#*/}"
  for (( block_bits = (net_bits + 1 > 24 ? net_bits + 1 : 24); block_bits <= 29; block_bits++ )); do
    size=$(( 1 << (32 - block_bits) ))
    count=$(( (net_last - net_first + 1) / size ))
    start=$(( count - 1 ))
    if (( block_bits == 24 && start > 250 )); then start=250; fi
    for (( index = start; index >= 0; index-- )); do
      first=$(( net_first + index * size ))
      if ! overlapping "$first" $(( first + size - 1 )) >/dev/null; then echo "$(ipv4_text "$first")/$block_bits"; return 0; fi
    done
    for (( index = start + 1; index < count; index++ )); do
      first=$(( net_first + index * size ))
      if ! overlapping "$first" $(( first + size - 1 )) >/dev/null; then echo "$(ipv4_text "$first")/$block_bits"; return 0; fi
    done
  done
  echo "No free block of 8 or more addresses is left in $subnet; set the pool yourself" >&2
  return 1
}
check_pool() {
  local pool="$1" network="$2" subnet net_first net_last first last
  subnet="$(network_subnet "$network")"
  if [ -z "$subnet" ]; then echo "The $network network has no IPv4 subnet to check the pool $pool against" >&2; return 1; fi
  read -r net_first net_last <<<"$(ipv4_range "$subnet")"
  read -r first last <<<"$(ipv4_range "$pool")"
  if (( first < net_first || last > net_last )); then
    echo "The pool $pool is outside the $network network $subnet: ARP from this machine can never reach it. Use a free block inside $subnet." >&2
    return 1
  fi
  load_used_ranges "$network" "$subnet"
  if overlapping "$first" "$last" >/dev/null; then
    echo "The pool $pool overlaps an address in use on the $network network ` +
    String.raw`(a node, the gateway, a container or another cluster's pool). Use a free block inside $subnet." >&2
    return 1
  fi
}`
  );
}

/** The carve step's lines: `$pool_cidr` set (carved, or the given pool once checked) and shown. */
export function carveStepLines(plan: LabPlan): string[] {
  if (plan.pool.cidr === 'auto') return ['pool_cidr="$(carve_pool "$kind_network")"', 'echo "$pool_cidr"'];
  return [`pool_cidr=${shellQuote(plan.pool.cidr)}`, 'check_pool "$pool_cidr" "$kind_network"', 'echo "$pool_cidr"'];
}
