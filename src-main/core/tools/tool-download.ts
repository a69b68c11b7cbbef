import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { KindscopeError } from '../../contract';
import { runTool } from './run-tool';
import type { ToolArtifact } from './tool-specs';

export interface DownloadOptions {
  name: string;
  version: string;
  artifact: ToolArtifact;
  /** The managed tools folder. */
  dir: string;
  signal?: AbortSignal;
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

/**
 * Installs a pinned tool into Kindscope's data folder. The published SHA-256 is checked
 * before anything becomes executable; a mismatch, a truncated body or a cancelled
 * download leaves nothing behind (the partial file is deleted) and says why.
 */
export async function downloadTool(options: DownloadOptions): Promise<{ path: string; sha256: string }> {
  const { name, artifact, dir, signal } = options;
  await mkdir(dir, { recursive: true });
  const partial = join(dir, `.${name}-${randomBytes(6).toString('hex')}.partial`);
  const extractDir = `${partial}.d`;
  try {
    const expected = await fetchChecksum(artifact.checksumUrl, signal);
    const response = await fetch(artifact.url, { signal: signal ?? null });
    if (!response.ok || !response.body)
      throw new KindscopeError(
        'DOWNLOAD_FAILED',
        `Downloading ${name} failed: HTTP ${response.status} from ${artifact.url}`,
        'Check your connection, or install it yourself and choose it with "Choose…".',
      );
    const total = Number(response.headers.get('content-length')) || undefined;
    const hash = createHash('sha256');
    let received = 0;
    const counting = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    counting.on('data', (chunk: Buffer) => {
      received += chunk.length;
      hash.update(chunk);
      options.onProgress?.(received, total);
    });
    await pipeline(counting, createWriteStream(partial, { mode: 0o600 }), signal ? { signal } : {});
    if (total !== undefined && received !== total) {
      throw new KindscopeError(
        'DOWNLOAD_FAILED',
        `The download of ${name} was cut short: ${received} of ${total} bytes`,
        'Nothing was installed. Try again.',
      );
    }
    const actual = hash.digest('hex');
    if (actual !== expected) {
      throw new KindscopeError(
        'CHECKSUM_MISMATCH',
        `The download of ${name} does not match its published SHA-256 (expected ${expected}, got ${actual})`,
        'Nothing was installed. The file was damaged or tampered with on the way; try again later or install it yourself.',
      );
    }
    let binary = partial;
    if (artifact.archiveMember) {
      await mkdir(extractDir);
      await runTool('tar', 'tar', ['-xzf', partial, '-C', extractDir, artifact.archiveMember], {
        ...(signal ? { signal } : {}),
      });
      binary = join(extractDir, artifact.archiveMember);
    }
    const target = join(dir, name);
    await chmod(binary, 0o755);
    await rename(binary, target);
    await writeFile(
      join(dir, `${name}.json`),
      JSON.stringify(
        { version: options.version, sha256: actual, url: artifact.url, installedAt: new Date().toISOString() },
        null,
        2,
      ),
    );
    return { path: target, sha256: actual };
  } catch (error) {
    if (signal?.aborted)
      throw new KindscopeError('CANCELLED', `The download of ${name} was cancelled`, 'Nothing was installed.', {
        cause: error,
      });
    if (error instanceof KindscopeError) throw error;
    throw new KindscopeError(
      'DOWNLOAD_FAILED',
      `Downloading ${name} failed: ${(error as Error).message}`,
      'Nothing was installed. Check your connection and try again.',
      { cause: error },
    );
  } finally {
    await rm(partial, { force: true });
    await rm(extractDir, { recursive: true, force: true });
  }
}

async function fetchChecksum(url: string, signal?: AbortSignal): Promise<string> {
  const response = await fetch(url, { signal: signal ?? null });
  const text = response.ok ? await response.text() : '';
  const digest = /\b([a-f0-9]{64})\b/i.exec(text)?.[1];
  if (!digest)
    throw new KindscopeError(
      'DOWNLOAD_FAILED',
      `No published SHA-256 at ${url} (HTTP ${response.status})`,
      'Without a checksum nothing is installed. Try again later.',
    );
  return digest.toLowerCase();
}
