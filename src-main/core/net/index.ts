/** Parsers and address math for what `ip`, `netstat` and `docker network inspect` print. */
export { parseIpRoute, parseIpJsonArray, formatIpRoute, type IpRoute, type ParseResult } from './ip-route';
export { parseIpAddr, parseIpLink, type IpAddress, type IpLink } from './ip-link';
export { parseNetstatRoutes, normaliseDestination, isDockerMacNetConnectRoute, type NetstatRoute } from './netstat';
export {
  parseDockerNetwork,
  bridgeNameOf,
  type DockerNetwork,
  type DockerNetworkSubnet,
  type DockerNetworkContainer,
} from './docker-network';
export { parseCidr, cidrContains, cidrsOverlap, cidrSize, parseIPv4, formatIPv4, parseIPv6, type Cidr } from './cidr';
export { explainRoute, explainNetstatRoute, type RouteContext } from './route-explain';
