import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { parse } from 'yaml';
import { kubeconfigPath } from './lab-paths.ts';
import type { KubeObject } from './apiserver/kube-object.ts';

/** What the stand-ins (helm, cilium) need of a Kubernetes client: the kubeconfig's context and JSON requests. */
export interface LabKubeClient {
  context: string;
  request(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<{ status: number; body: KubeObject }>;
}

export function labKubeClient(options: { kubeconfig?: string; context?: string } = {}): LabKubeClient {
  const file = kubeconfigPath(process.env, options.kubeconfig);
  const config = parse(readFileSync(file, 'utf8')) as KubeObject;
  const contextName = options.context ?? config['current-context'];
  const context = (config.contexts as KubeObject[]).find((c) => c.name === contextName);
  if (!context) throw new Error(`context "${contextName}" does not exist in ${file}`);
  const cluster = (config.clusters as KubeObject[]).find((c) => c.name === context.context.cluster)!.cluster;
  const user = (config.users as KubeObject[]).find((u) => u.name === context.context.user)!.user;
  const url = new URL(cluster.server);
  const decode = (data: string) => Buffer.from(data, 'base64');
  return {
    context: contextName,
    request(method, path, body, contentType = 'application/json') {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method,
            ca: decode(cluster['certificate-authority-data']),
            cert: decode(user['client-certificate-data']),
            key: decode(user['client-key-data']),
            headers: body === undefined ? {} : { 'content-type': contentType },
            timeout: 15_000,
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: KubeObject;
              try {
                parsed = text ? JSON.parse(text) : {};
              } catch {
                parsed = { message: text };
              }
              resolve({ status: response.statusCode ?? 0, body: parsed });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error('the API server did not answer')));
        req.on('error', reject);
        req.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
      });
    },
  };
}
