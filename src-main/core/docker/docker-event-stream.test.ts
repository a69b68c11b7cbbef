import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { StreamState } from '../../contract';
import { createMemoryLogger } from '../util/logger';
import { DockerEventStream, formatSince, type DockerEvent, type OpenEvents } from './docker-event-stream';

/** Engine stand-in for parsing only: every engine behaviour is tested on the real one. */
function fakeEngine() {
  const streams: PassThrough[] = [];
  const requests: Record<string, unknown>[] = [];
  const open: OpenEvents = async (query) => {
    requests.push(query);
    const stream = new PassThrough();
    streams.push(stream);
    return stream;
  };
  return { open, streams, requests };
}

describe('DockerEventStream', () => {
  it('reads Type/Action/Actor.ID (API 1.52 shape), skips malformed lines and survives them', async () => {
    const engine = fakeEngine();
    const log = createMemoryLogger();
    const events: DockerEvent[] = [];
    const states: StreamState[] = [];
    const stream = new DockerEventStream({
      open: engine.open,
      log,
      onEvent: (e) => events.push(e),
      onConnected: () => undefined,
      onState: (s) => states.push(s),
    });
    stream.start();
    await vi.waitFor(() => expect(states).toContain('live'));
    const socket = engine.streams[0]!;
    socket.write(
      '{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"x"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}\n',
    );
    socket.write('this is not json\n');
    socket.write('{"status":"start","id":"old-only-fields"}\n');
    // A line split across chunks.
    socket.write('{"Type":"network","Action":"connect","Actor":{"ID":"net1"},"time":1700000001');
    socket.write(',"timeNano":1700000001000000000}\n');
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events.map((e) => `${e.Type}/${e.Action}/${e.Actor.ID}`)).toEqual([
      'container/start/abc',
      'network/connect/net1',
    ]);
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(2);
    expect(stream.currentState).toBe('live');
    stream.dispose();
  });

  it('goes offline when the stream ends and reconnects with since=', async () => {
    const engine = fakeEngine();
    const states: StreamState[] = [];
    let connected = 0;
    const stream = new DockerEventStream({
      open: engine.open,
      log: createMemoryLogger(),
      onEvent: () => undefined,
      onConnected: () => void (connected += 1),
      onState: (s) => states.push(s),
    });
    stream.start();
    await vi.waitFor(() => expect(connected).toBe(1));
    engine.streams[0]!.write('{"Type":"container","Action":"die","Actor":{"ID":"abc"},"time":1700000002}\n');
    await new Promise((r) => setTimeout(r, 20));
    engine.streams[0]!.end();
    await vi.waitFor(() => expect(connected).toBe(2), { timeout: 5000 });
    expect(states).toEqual(['live', 'offline', 'connecting', 'live']);
    expect(engine.requests[1]).toMatchObject({ since: '1700000002.000000000' });
    stream.dispose();
  });

  it('formats since with nanoseconds', () => {
    expect(formatSince(1700000000123456789n)).toBe('1700000000.123456789');
    expect(formatSince(5n)).toBe('0.000000005');
  });
});
