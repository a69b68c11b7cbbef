import type { ConnectivityService } from '../core/host/connectivity-service';
import type { Handlers } from './router';

type ConnectivityHandlers = Pick<Handlers, 'connectivityCheck' | 'connectivityFix' | 'connectivityRemove'>;

/** `connectivity:*` over the host connectivity service (Docker and this machine; the cluster API only for LoadBalancer IPs). */
export function createConnectivityHandlers(service: ConnectivityService): ConnectivityHandlers {
  return {
    connectivityCheck: ({ cluster }) => service.check(cluster),
    connectivityFix: ({ cluster }) => service.fix(cluster),
    connectivityRemove: ({ cluster }) => service.remove(cluster),
  };
}
