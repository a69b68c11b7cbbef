import { z } from 'zod';

/** Every error that crosses a transport carries one of these codes. */
export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'UNKNOWN_CALL',
  'UNKNOWN_EVENT',
  'DOCKER_UNREACHABLE',
  'DOCKER_ERROR',
  'CLUSTER_NOT_FOUND',
  /** Some of a cluster's state could not be read in time: no conclusion drawn from it. */
  'DATA_INCOMPLETE',
  'TOOL_MISSING',
  'DOWNLOAD_FAILED',
  'CHECKSUM_MISMATCH',
  'TRANSPORT',
  'CANCELLED',
  'CAPTURE_FAILED',
  'CONSENT_REQUIRED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** An error as data: what happened and what the user should do next. */
export const AppError = z.object({
  code: ErrorCode,
  message: z.string(),
  hint: z.string(),
});
export type AppError = z.infer<typeof AppError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: AppError): Result<never> => ({ ok: false, error });

/**
 * An error that knows its code and the hint to show. Thrown inside a process; turned
 * into {@link AppError} data at the boundary by {@link toAppError}.
 */
export class KindscopeError extends Error {
  override readonly name = 'KindscopeError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Any thrown value as {@link AppError}; unknown errors become INTERNAL, never a stack trace. */
export function toAppError(error: unknown): AppError {
  if (error instanceof KindscopeError) return { code: error.code, message: error.message, hint: error.hint };
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    message: message || 'Unexpected error',
    hint: 'This is a bug in Kindscope. The log has the details; please report it.',
  };
}

/** Describes the first problem of a failed parse by its field path, e.g. `input.cluster: Required`. */
export function describeZodError(error: z.ZodError, root = 'input'): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].join('.');
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
