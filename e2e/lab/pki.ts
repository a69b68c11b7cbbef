import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClusterPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

function openssl(args: string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(
      `openssl ${args[0]} failed: ${result.stderr || result.error?.message}. Fix: apt-get install openssl (.ci/run does).`,
    );
}

/**
 * The certificates kind's kubeadm makes, made with openssl: a cluster CA, an API-server
 * certificate for localhost/127.0.0.1 and the node name, and an admin client certificate
 * (O=system:masters) for the kubeconfig. P-256 keys: quick to make, accepted by kubectl.
 */
export function ensureClusterPki(dir: string, clusterName: string): ClusterPki {
  mkdirSync(dir, { recursive: true });
  const files = {
    ca: 'ca.crt',
    caKey: 'ca.key',
    server: 'apiserver.crt',
    serverKey: 'apiserver.key',
    client: 'admin.crt',
    clientKey: 'admin.key',
  };
  if (!existsSync(join(dir, files.clientKey))) {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        files.caKey,
        '-out',
        files.ca,
        '-days',
        '3650',
        '-subj',
        '/CN=kubernetes',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
      ],
      dir,
    );
    const sans = [
      'DNS:localhost',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      `DNS:${clusterName}-control-plane`,
      'IP:127.0.0.1',
      'IP:10.96.0.1',
    ].join(',');
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-CA',
        files.ca,
        '-CAkey',
        files.caKey,
        '-keyout',
        files.serverKey,
        '-out',
        files.server,
        '-days',
        '3650',
        '-subj',
        '/CN=kube-apiserver',
        '-addext',
        `subjectAltName=${sans}`,
        '-addext',
        'extendedKeyUsage=serverAuth',
        '-addext',
        'basicConstraints=critical,CA:FALSE',
      ],
      dir,
    );
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-CA',
        files.ca,
        '-CAkey',
        files.caKey,
        '-keyout',
        files.clientKey,
        '-out',
        files.client,
        '-days',
        '3650',
        '-subj',
        '/O=system:masters/CN=kubernetes-admin',
        '-addext',
        'extendedKeyUsage=clientAuth',
        '-addext',
        'basicConstraints=critical,CA:FALSE',
      ],
      dir,
    );
  }
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    caCert: read(files.ca),
    serverCert: read(files.server),
    serverKey: read(files.serverKey),
    clientCert: read(files.client),
    clientKey: read(files.clientKey),
  };
}

export const base64 = (text: string) => Buffer.from(text).toString('base64');
