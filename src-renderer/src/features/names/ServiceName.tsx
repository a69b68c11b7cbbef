import { useState } from 'react';
import { serviceDnsName, type ServiceStatus } from '@contract';
import { copyText } from '../../components/clipboard';

/** `http://name/` for port 80, `http://name:P/` for the first other TCP port (ports read "80:30397/TCP", the node port optional). */
export function serviceUrl(name: string, ports: readonly string[]): string {
  const tcp = ports.map((p) => /^(\d+)(?::\d+)?\/TCP$/i.exec(p)?.[1]).find(Boolean);
  return `http://${name}${tcp && tcp !== '80' ? `:${tcp}` : ''}/`;
}

/**
 * A LoadBalancer service's name beside its IP: a link that opens it in the browser and a
 * copy button. Shown only while the service has an external IP (the name exists only then).
 */
export function ServiceName({
  cluster,
  service,
}: {
  cluster: string;
  service: Pick<ServiceStatus, 'namespace' | 'name' | 'externalIPs' | 'ports'>;
}) {
  const [copied, setCopied] = useState(false);
  if (service.externalIPs.length === 0) return null;
  const name = serviceDnsName(cluster, service.namespace, service.name);
  const copy = () => void copyText(name).then(setCopied);
  return (
    <span className="service-name">
      <a
        href={serviceUrl(name, service.ports)}
        target="_blank"
        rel="noreferrer"
        title={`Open ${name} in the browser (needs this machine wired to Kindscope's DNS: see Names)`}
      >
        {name}
      </a>
      <button type="button" className="button button-secondary button-small" onClick={copy} aria-label={`Copy ${name}`}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}
