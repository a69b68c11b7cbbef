import { describe, expect, it } from 'vitest';
import { demuxFrames, mapBounded } from './docker-exec';

/** One frame of Docker's multiplexed stream: type, 3 zero bytes, big-endian size, payload. */
function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demuxFrames', () => {
  const logs = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, 'out two ✓\n')]);

  it('keeps stdout only by default', () => {
    expect(demuxFrames(logs)).toBe('out one\nout two ✓\n');
  });

  it('keeps both streams in the order they came when asked', () => {
    expect(demuxFrames(logs, 'stdout+stderr')).toBe('out one\nerr\nout two ✓\n');
  });

  it('reads a buffer without frames (a TTY) as text, and an empty one as nothing', () => {
    expect(demuxFrames(Buffer.from('plain'))).toBe('plain');
    expect(demuxFrames(Buffer.alloc(0))).toBe('');
  });
});

describe('mapBounded', () => {
  it('keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const result = await mapBounded([30, 10, 20, 5], 2, async (ms, index) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
      return index;
    });
    expect(result).toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
  });
});
