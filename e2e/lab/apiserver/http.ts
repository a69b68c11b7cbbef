/** HTTP helpers of the lab API server: bodies in, JSON and Status objects out. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from './store.ts';

import type { KubeObject as Obj } from './kube-object.ts';

export function wantsTable(request: IncomingMessage): boolean {
  return /as=Table/.test(request.headers.accept ?? '');
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function parseBody(body: string, request: IncomingMessage, allowArray = false): Obj {
  let value: unknown;
  try {
    value = /yaml/.test(request.headers['content-type'] ?? '') ? parseYaml(body) : JSON.parse(body);
  } catch (error) {
    throw new ApiError(400, 'BadRequest', `the body of the request could not be decoded: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || (Array.isArray(value) && !allowArray))
    throw new ApiError(400, 'BadRequest', 'the body of the request must be an object');
  return value as Obj;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  response.end(JSON.stringify(body));
}

export function sendStatus(
  response: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: Obj,
): void {
  sendJson(response, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}
