import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a fixed command in a running container through the engine API (the docker CLI's
 * `exec`, without spawning it): output demultiplexed, exit code read back.
 */
export async function execInContainer(
  docker: Docker,
  containerId: string,
  cmd: string[],
  /** Ends the exec at once: its requests are aborted and its attached stream closed (rejects with the reason). */
  signal?: AbortSignal,
): Promise<ExecResult> {
  const abortSignal = signal ? { abortSignal: signal } : {};
  const exec = await docker
    .getContainer(containerId)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false, ...abortSignal });
  const stream = await exec.start({ hijack: true, stdin: false, ...abortSignal });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  docker.modem.demuxStream(stream, stdout, stderr);
  // The hijacked connection is no longer the request's once upgraded: aborting the request
  // would not close it, so the stream itself is destroyed.
  const closeStream = () => stream.destroy();
  signal?.addEventListener('abort', closeStream, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        closeStream();
        resolve();
      }
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', reject);
    });
  } finally {
    signal?.removeEventListener('abort', closeStream);
  }
  signal?.throwIfAborted();
  const inspected = await exec.inspect(abortSignal);
  return { exitCode: inspected.ExitCode ?? -1, stdout: out, stderr: err };
}

/**
 * Docker's multiplexed stream (a container's logs, a non-TTY exec): frames with an 8-byte
 * header (stream type: 1 stdout, 2 stderr; big-endian size) to text — stdout only, or both
 * as they came. A buffer without frames (a TTY container's logs) is its own text.
 * https://docs.docker.com/reference/api/engine/version/v1.47/#tag/Container/operation/ContainerAttach
 */
export function demuxFrames(buffer: Buffer, streams: 'stdout' | 'stdout+stderr' = 'stdout'): string {
  let offset = 0;
  let text = '';
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if (type === 1 || (type === 2 && streams === 'stdout+stderr'))
      text += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return offset === 0 ? buffer.toString('utf8') : text;
}

/** Runs `tasks` with at most `limit` at a time, keeping their order in the result. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}
