/** Watches of the lab API server and the fault hooks that act on them (LAB.md §2). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendStatus, wantsTable } from './http.ts';
import { apiVersionOf, storageKey, type ResourceType } from './registry.ts';
import { checkFieldSelector, waitForResourceVersion, watchEventFor } from './api-semantics.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { ApiError, type ObjectStore, type StoredEvent } from './store.ts';

import type { KubeObject as Obj } from './kube-object.ts';

/** Fault hooks for tests (LAB.md §2): reached at POST /lab/faults with the admin certificate. */
export interface Faults {
  expireNextWatch?: 'event' | 'http';
  delayMs: number;
  stalledWatches: Set<WatchConnection>;
  bookmarkEveryMs: number;
  defaultWatchTimeoutS: number;
}

export interface WatchConnection {
  response: ServerResponse;
  close(): void;
}

/** How the server renders objects for a watch (a Table row or the object in a version). */
export interface WatchRender {
  table(type: ResourceType, items: Obj[], resourceVersion: string, url: URL, version: string): Obj;
  present(type: ResourceType, version: string, object: Obj): Obj;
}

/**
 * Open watches — from a resourceVersion (history replay, 410 when compacted, 504 when in
 * the future) or from now (synthetic ADDED), with bookmarks, server-side timeouts and the
 * watch cache's selector rule — and the faults tests inject into them.
 */
export class WatchHub {
  readonly watches = new Set<WatchConnection>();
  readonly faults: Faults = {
    delayMs: 0,
    stalledWatches: new Set(),
    bookmarkEveryMs: 5_000,
    defaultWatchTimeoutS: 1800,
  };
  private readonly store: ObjectStore;
  private readonly render: WatchRender;

  constructor(store: ObjectStore, render: WatchRender) {
    this.store = store;
    this.render = render;
  }

  closeAll(): void {
    for (const watch of this.watches) watch.close();
  }

  async serve(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    type: ResourceType,
    version: string,
    namespace: string | undefined,
  ): Promise<void> {
    const labels = parseLabelSelector(url.searchParams.get('labelSelector'));
    const fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
    checkFieldSelector(type, fields);
    const rvParam = url.searchParams.get('resourceVersion');
    const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
    const timeoutS = Number(url.searchParams.get('timeoutSeconds') ?? this.faults.defaultWatchTimeoutS);
    const asTable = wantsTable(request);
    const key = storageKey(type);

    const expire = this.faults.expireNextWatch;
    this.faults.expireNextWatch = undefined;
    const startRv = rvParam && rvParam !== '0' ? Number(rvParam) : undefined;
    if (rvParam && rvParam !== '0' && !/^\d+$/.test(rvParam))
      throw new ApiError(400, 'BadRequest', `invalid resource version "${rvParam}"`);
    const tooOld = startRv !== undefined && startRv < this.store.oldestWatchable;
    if (startRv !== undefined && startRv > Number(this.store.resourceVersion))
      await waitForResourceVersion(this.store, rvParam);
    // A real server answers a too-old version with an in-stream ERROR; the HTTP 410 form
    // is what clients see from some proxies and older servers, and is a fault hook here.
    if (expire === 'http') {
      return sendStatus(
        response,
        410,
        'Expired',
        `too old resource version: ${rvParam} (${this.store.resourceVersion})`,
      );
    }

    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    // Clients wait for the headers before they consider the watch open.
    response.flushHeaders();
    const matches = (object: Obj) =>
      (!namespace || !type.namespaced || object.metadata.namespace === namespace) &&
      matchesLabels(object.metadata.labels, labels) &&
      matchesFields(object, fields);
    let lastRv = startRv ?? Number(this.store.resourceVersion);
    const connection: WatchConnection = {
      response,
      close: () => {
        cleanup();
        response.end();
      },
    };
    const write = (type_: string, object: Obj) => {
      if (this.faults.stalledWatches.has(connection)) return;
      const payload =
        asTable && type_ !== 'ERROR' && type_ !== 'BOOKMARK'
          ? this.render.table(type, [object], object.metadata.resourceVersion, url, version)
          : type_ === 'ERROR'
            ? object
            : this.render.present(type, version, object);
      response.write(`${JSON.stringify({ type: type_, object: payload })}\n`);
    };
    if (expire === 'event' || tooOld) {
      response.write(
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `too old resource version: ${rvParam} (${this.store.resourceVersion})`,
            reason: 'Expired',
            code: 410,
          },
        }) + '\n',
      );
      response.end();
      return;
    }
    if (startRv === undefined) {
      // No version (or "0"): the current state first, as synthetic ADDED events.
      for (const object of this.store.list(type, type.namespaced ? namespace : undefined))
        if (matches(object)) write('ADDED', object);
    } else {
      for (const event of this.store.eventsSince(startRv, key)) {
        const sent = watchEventFor(event, matches);
        if (sent) write(sent.type, sent.object);
        lastRv = event.rv;
      }
    }
    const unsubscribe = this.store.onEvent((event: StoredEvent) => {
      if (event.key !== key) return;
      lastRv = event.rv;
      const sent = watchEventFor(event, matches);
      if (sent) write(sent.type, sent.object);
    });
    const bookmarkTimer = bookmarks
      ? setInterval(() => {
          if (!this.faults.stalledWatches.has(connection))
            response.write(
              JSON.stringify({
                type: 'BOOKMARK',
                object: {
                  kind: type.kind,
                  apiVersion: apiVersionOf(type.group, version),
                  metadata: { resourceVersion: String(Math.max(lastRv, Number(this.store.resourceVersion))) },
                },
              }) + '\n',
            );
        }, this.faults.bookmarkEveryMs)
      : undefined;
    const timeout = setTimeout(() => connection.close(), Math.max(1, timeoutS) * 1000);
    const cleanup = () => {
      unsubscribe();
      clearInterval(bookmarkTimer);
      clearTimeout(timeout);
      this.watches.delete(connection);
      this.faults.stalledWatches.delete(connection);
    };
    this.watches.add(connection);
    request.on('close', cleanup);
  }

  applyFault(response: ServerResponse, fault: Obj): void {
    switch (fault.action) {
      case 'expire-next-watch':
        this.faults.expireNextWatch = fault.mode === 'http' ? 'http' : 'event';
        break;
      case 'compact':
        this.store.compact();
        break;
      case 'stall-watches':
        for (const watch of this.watches) this.faults.stalledWatches.add(watch);
        break;
      case 'close-watches':
        for (const watch of this.watches) watch.close();
        break;
      case 'delay':
        this.faults.delayMs = Number(fault.ms ?? 0);
        break;
      case 'inject-garbage':
        // What a broken proxy or a buggy server might send: a line that is not JSON, and an object without metadata.
        for (const watch of this.watches) {
          watch.response.write('this is not json\n');
          watch.response.write(
            `${JSON.stringify({ type: 'ADDED', object: { kind: 'Unknown', spec: { broken: true } } })}\n`,
          );
        }
        break;
      case 'bookmarks':
        this.faults.bookmarkEveryMs = Number(fault.everyMs ?? 5000);
        break;
      case 'watch-timeout':
        this.faults.defaultWatchTimeoutS = Number(fault.seconds ?? 1800);
        break;
      default:
        return sendStatus(response, 400, 'BadRequest', `unknown fault action "${fault.action}"`);
    }
    sendJson(response, 200, { ok: true, watches: this.watches.size });
  }
}
