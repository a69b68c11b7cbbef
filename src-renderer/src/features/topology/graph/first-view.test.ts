import { describe, expect, it } from 'vitest';
import { firstView } from './first-view';

const box = (x: number, y: number, width = 200, height = 90) => ({ x, y, width, height });

describe('firstView', () => {
  it('centres a part that fits, without blowing it up past 1.25', () => {
    const view = firstView([box(0, 0), box(500, 0)], 1000, 600);
    expect(view.zoom).toBe(1.25);
    const leftOnScreen = view.x;
    const rightOnScreen = view.x + 700 * view.zoom;
    expect(leftOnScreen).toBeCloseTo(1000 - rightOnScreen);
  });

  it('never zooms out below readable text (11.5 px × zoom ≥ 11 px): a part too big starts at its top-left', () => {
    const boxes = [box(300, 100), box(2000, 100), box(300, 3000)];
    const view = firstView(boxes, 800, 600);
    expect(view.zoom * 11.5).toBeGreaterThanOrEqual(11);
    expect(view.x + 300 * view.zoom).toBe(24);
    expect(view.y + 100 * view.zoom).toBe(24);
  });
});
