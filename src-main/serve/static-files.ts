import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Text is worth compressing; PNG and WOFF2 are compressed already. */
const compressible = new Set(['.html', '.js', '.css', '.svg', '.json']);
const minCompressBytes = 1024;

interface Entry {
  mtimeMs: number;
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the client accepts (`q=0` refuses one), brotli first. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

/**
 * The built renderer, compressed once per file version (brotli or gzip as the browser
 * accepts) and kept in memory: the bundle is a few hundred KB and read by every tab.
 */
export class StaticFiles {
  private readonly cache = new Map<string, Promise<Entry>>();

  constructor(
    private readonly root: string,
    private readonly headers: (type: string) => Record<string, string>,
  ) {}

  /** Resolves a URL path inside the root; undefined for anything outside it. */
  resolve(pathname: string): string | undefined {
    let relative: string;
    try {
      relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    } catch {
      return undefined;
    }
    if (relative.includes('\0')) return undefined;
    const file = join(this.root, relative);
    return file === this.root || file.startsWith(this.root + sep) ? file : undefined;
  }

  async send(request: IncomingMessage, response: ServerResponse, file: string): Promise<void> {
    const extension = extname(file);
    const type = contentTypes[extension] ?? 'application/octet-stream';
    const entry = await this.load(file);
    let encoding: Encoding =
      compressible.has(extension) && entry.raw.length >= minCompressBytes
        ? chooseEncoding(request.headers['accept-encoding'])
        : 'identity';
    let body = entry.raw;
    if (encoding === 'br')
      body = entry.br ??= await brotli(entry.raw, {
        params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: entry.raw.length },
      });
    else if (encoding === 'gzip') body = entry.gzip ??= await gzipAsync(entry.raw, { level: 9 });
    if (body.length >= entry.raw.length) {
      encoding = 'identity';
      body = entry.raw;
    }
    response.writeHead(200, {
      ...this.headers(type),
      'Content-Type': type,
      'Content-Length': String(body.length),
      ...(encoding !== 'identity' ? { 'Content-Encoding': encoding } : {}),
      ...(compressible.has(extension) ? { Vary: 'Accept-Encoding' } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  private async load(file: string): Promise<Entry> {
    const { mtimeMs } = await stat(file);
    const cached = this.cache.get(file);
    if (cached && (await cached).mtimeMs === mtimeMs) return cached;
    const loading = readFile(file).then((raw) => ({ mtimeMs, raw }));
    this.cache.set(file, loading);
    loading.catch(() => this.cache.delete(file));
    return loading;
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
