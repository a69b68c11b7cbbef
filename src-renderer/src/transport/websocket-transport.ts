import {
  createTypedClient,
  ServerMessage,
  serveWsPath,
  type ClientMessage,
  type KindscopeClient,
  type StreamState,
} from '@contract';

interface Pending {
  resolve(value: unknown): void;
}

async function tokenRefused(location: { host: string; protocol: string }): Promise<boolean> {
  try {
    return (
      (
        await fetch(`${location.protocol}//${location.host}/`, {
          method: 'HEAD',
          cache: 'no-store',
          credentials: 'same-origin',
        })
      ).status === 401
    );
  } catch {
    return false;
  }
}

function reload(): void {
  globalThis.location?.reload();
}

/**
 * Serve mode's client: one WebSocket to the page's own origin (the auth cookie rides
 * along), reconnecting with backoff. Subscriptions are replayed after a reconnect; calls
 * in flight when the socket drops fail with a TRANSPORT error rather than hang.
 */
export function createWebSocketClient(location: { host: string; protocol: string }): KindscopeClient {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${serveWsPath}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: StreamState) => void>();
  const queue: string[] = [];
  let socket: WebSocket | undefined;
  let seq = 0;
  let attempt = 0;
  let state: StreamState = 'connecting';

  const setState = (next: StreamState) => {
    if (state === next) return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const send = (message: ClientMessage) => {
    const text = JSON.stringify(message);
    if (socket?.readyState === WebSocket.OPEN) socket.send(text);
    else queue.push(text);
  };

  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      attempt = 0;
      setState('live');
      for (const id of listeners.keys())
        ws.send(JSON.stringify({ type: 'subscribe', event: id } satisfies ClientMessage));
      for (const text of queue.splice(0)) ws.send(text);
    });
    ws.addEventListener('message', (message) => {
      let json: unknown;
      try {
        json = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const parsed = ServerMessage.safeParse(json);
      if (!parsed.success) return;
      const data = parsed.data;
      if (data.type === 'result') {
        pending.get(data.seq)?.resolve(data.result);
        pending.delete(data.seq);
      } else {
        for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
      }
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      setState('offline');
      for (const [id, call] of pending) {
        call.resolve({
          ok: false,
          error: {
            code: 'TRANSPORT',
            message: 'Lost the connection to the Kindscope server',
            hint: 'Check that `npm run serve` is still running; Kindscope reconnects by itself.',
          },
        });
        pending.delete(id);
      }
      // Queued invokes would answer nobody: they were failed above.
      queue.length = 0;
      const delay = Math.min(10_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      // A refused upgrade does not say why. If the server is back but no longer takes this
      // tab's token (started with --new-token), reloading shows its 401 page, which says
      // how to get the new URL; retrying would only say "reconnecting" for ever.
      if (!opened && attempt > 1)
        void tokenRefused(location).then((refused) => (refused ? reload() : setTimeout(connect, delay)));
      else setTimeout(connect, delay);
    });
  };
  connect();

  return createTypedClient(
    {
      invoke(call, input) {
        const id = seq++;
        return new Promise((resolve) => {
          pending.set(id, { resolve });
          send({ type: 'invoke', seq: id, call, input });
        });
      },
      subscribe(id, listener) {
        let set = listeners.get(id);
        if (!set) {
          set = new Set();
          listeners.set(id, set);
          send({ type: 'subscribe', event: id });
        }
        set.add(listener);
        return () => {
          const current = listeners.get(id);
          if (!current?.delete(listener) || current.size > 0) return;
          listeners.delete(id);
          send({ type: 'unsubscribe', event: id });
        };
      },
    },
    {
      onDidChangeConnection(listener) {
        connectionListeners.add(listener);
        listener(state);
        return () => connectionListeners.delete(listener);
      },
    },
  );
}
