import { isAbsolute } from 'node:path';
import { KindscopeError } from '../../contract';

/** kind's rule for cluster names (validate.go): `^[a-z0-9.-]+$`. */
const clusterName = /^[a-z0-9.-]{1,63}$/;
/** A Kubernetes object name or namespace (RFC 1123 subdomain). */
const objectName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** An image reference: registry/repo:tag@digest, no spaces or shell characters. */
const imageRef = /^[a-z0-9][a-z0-9._/-]*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const version = /^v?\d+\.\d+\.\d+([-+][\w.]+)?$/;

function reject(field: string, value: string, rule: string): never {
  throw new KindscopeError(
    'INVALID_INPUT',
    `${field} "${value}" is not allowed: ${rule}`,
    `Correct ${field} and try again.`,
  );
}

/**
 * Values that come from users, checked before any process starts. They never reach a
 * shell — arguments are passed as an array — but a name that kind or kubectl would
 * misread (`--kubeconfig=…`, `$(id)`) is refused here.
 */
export const validate = {
  clusterName(value: string, field = 'cluster name'): string {
    if (!clusterName.test(value))
      reject(field, value, 'kind cluster names use lowercase letters, digits, "-" and "." only');
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
  /** An absolute path with no NUL and no newline. */
  path(value: string, field = 'path'): string {
    if (!isAbsolute(value) || value.includes('\0') || value.includes('\n'))
      reject(field, value, 'expected an absolute path');
    return value;
  },
};
