import { HttpMethod, RequestContext, Watch, type KubeConfig } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';
import { deadline } from '../util/timeout';

/** A list answer: the items as JSON (parsed by the caller's schema) and the version to watch from. */
export interface ListResult {
  items: unknown[];
  resourceVersion: string;
}

/** An HTTP status from the API server, with the server's own message. */
export class KubeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'KubeHttpError';
  }
}

export type WatchEvent = { type: string; object: unknown };

/**
 * GET and watch on one cluster, with client-node's credentials and TLS agent. Lists go
 * through the same `fetch` and dispatcher as client-node's own Watch and Health (undici),
 * because the generated API clients take no AbortSignal: a list to a hung server
 * (`docker pause` of the control plane) must be abandoned at a deadline, not left pending.
 */
export class KubeHttp {
  constructor(readonly config: KubeConfig) {}

  get server(): string | undefined {
    return this.config.getCurrentCluster()?.server;
  }

  /**
   * @param signal ends the list at once (the session or informer is disposed); the deadline
   *   `timeoutMs` applies besides. The request's own dispatcher (client-node makes one per
   *   request, with the kubeconfig's TLS) is closed with it: no kept-alive socket outlives the list.
   */
  async list(path: string, timeoutMs: number, signal?: AbortSignal): Promise<ListResult> {
    const server = this.server;
    if (!server) throw new Error(`The kubeconfig context ${this.config.getCurrentContext()} names no cluster`);
    const url = `${server}${path}`;
    const ctx = new RequestContext(url, HttpMethod.GET);
    await this.config.applySecurityAuthentication(ctx);
    signal?.throwIfAborted();
    const dispatcher = ctx.getDispatcher() as Dispatcher | undefined;
    const limit = deadline(timeoutMs, signal);
    try {
      let response;
      try {
        response = await fetch(url, {
          method: 'GET',
          headers: { ...ctx.getHeaders(), accept: 'application/json' },
          ...(dispatcher ? { dispatcher } : {}),
          signal: limit.signal,
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (limit.signal.aborted)
          throw new Error(`no answer to a list within ${Math.round(timeoutMs / 1000)} s`, { cause: error });
        throw new Error(describeNetworkError(error), { cause: error });
      }
      const text = await response.text().catch(() => '');
      signal?.throwIfAborted();
      if (response.status !== 200)
        throw new KubeHttpError(
          response.status,
          `HTTP ${response.status} on ${path}: ${statusMessage(text) ?? response.statusText}`,
        );
      const body = JSON.parse(text) as { items?: unknown[]; metadata?: { resourceVersion?: string } };
      return {
        items: Array.isArray(body.items) ? body.items : [],
        resourceVersion: body.metadata?.resourceVersion ?? '',
      };
    } finally {
      limit.dispose();
      // Only a dispatcher made for this request: the global one is not ours to close.
      if (dispatcher) void dispatcher.destroy().catch(() => undefined);
    }
  }

  /**
   * Opens a watch from `resourceVersion` with bookmarks. `inactivityMs`: client-node aborts
   * the request when no byte arrived for that long (reported to `done` as a TimeoutError).
   */
  watch(
    path: string,
    resourceVersion: string,
    inactivityMs: number,
    onEvent: (event: WatchEvent) => void,
    done: (error: unknown) => void,
  ): Promise<AbortController> {
    const watch = new Watch(this.config);
    // Private in client-node's typings; it is both the connect and the inactivity timeout.
    Object.assign(watch, { requestTimeoutMs: inactivityMs });
    return watch.watch(
      path,
      { resourceVersion, allowWatchBookmarks: true },
      (type, object) => onEvent({ type, object }),
      done,
    );
  }
}

function statusMessage(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { message?: string }).message;
  } catch {
    return undefined;
  }
}

/** undici hides the socket error in `cause`: "fetch failed" alone says nothing. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const message = (error as { message?: string })?.message ?? String(error);
  return cause?.message ? `${cause.code ? `${cause.code} ` : ''}${cause.message}` : message;
}
