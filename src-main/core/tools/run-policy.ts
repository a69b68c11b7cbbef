import { isAbsolute } from 'node:path';
import { KindscopeError } from '../../contract';

/** The programs Kindscope runs, and nothing else. */
export const allowedTools = [
  'kind', 'helm', 'kubectl', 'cilium', 'docker', 'brew', 'ip', 'netstat', 'tar', 'env',
  // Wiring the resolver to the DNS responder (core/dns): the administrator prompts and resolved's version.
  'osascript', 'pkexec', 'resolvectl',
] as const;
export type AllowedTool = (typeof allowedTools)[number];

/** kind's rule for cluster names (validate.go): `^[a-z0-9.-]+$`. */
const clusterName = /^[a-z0-9.-]{1,63}$/;
/** A Kubernetes object name or namespace (RFC 1123 subdomain). */
const objectName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** An image reference: registry/repo:tag@digest, no spaces or shell characters. */
const imageRef = /^[a-z0-9][a-z0-9._/-]*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const version = /^v?\d+\.\d+\.\d+([-+][\w.]+)?$/;

function reject(field: string, value: string, rule: string): never {
  throw new KindscopeError('INVALID_INPUT', `${field} "${value}" is not allowed: ${rule}`, `Correct ${field} and try again.`);
}

/**
 * Values that come from users, checked before any process starts (Headlamp's
 * runCommandPolicy). They never reach a shell — arguments are passed as an array — but
 * a name that kind or kubectl would misread (`--kubeconfig=…`, `$(id)`) is refused here.
 */
export const validate = {
  clusterName(value: string, field = 'cluster name'): string {
    if (!clusterName.test(value)) reject(field, value, 'kind cluster names use lowercase letters, digits, "-" and "." only');
    return value;
  },
  objectName(value: string, field = 'name'): string {
    if (!objectName.test(value)) reject(field, value, 'Kubernetes names use lowercase letters, digits, "-" and "."');
    return value;
  },
  image(value: string, field = 'image'): string {
    if (!imageRef.test(value)) reject(field, value, 'expected an image reference such as kindest/node:v1.33.1');
    return value;
  },
  version(value: string, field = 'version'): string {
    if (!version.test(value)) reject(field, value, 'expected a version such as 1.16.5');
    return value;
  },
  /** An absolute path with no NUL and no leading "-" (never taken for an option). */
  path(value: string, field = 'path'): string {
    if (!isAbsolute(value) || value.includes('\0') || value.includes('\n')) reject(field, value, 'expected an absolute path');
    return value;
  },
};

/**
 * Decides whether a command may run: a known tool (by name, or an absolute path whose
 * file name is that tool) and arguments without NUL bytes; an argument that starts with
 * "-" must be one Kindscope wrote itself, so user values are checked with `validate`.
 */
export function checkCommand(bin: string, args: readonly string[]): void {
  const name = bin.split('/').at(-1) ?? bin;
  if (!(allowedTools as readonly string[]).includes(name)) {
    throw new KindscopeError('INVALID_INPUT', `Kindscope does not run "${bin}"`, `Only ${allowedTools.join(', ')} are run.`);
  }
  if (bin.includes('/') && !isAbsolute(bin)) throw new KindscopeError('INVALID_INPUT', `Tool path "${bin}" is relative`, 'Choose the tool by its absolute path.');
  for (const arg of args) if (arg.includes('\0')) throw new KindscopeError('INVALID_INPUT', 'An argument contains a NUL byte', 'Remove it.');
}
