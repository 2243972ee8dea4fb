import { describe, expect, it } from 'vitest';
import type { Point } from '../geometry';
import {
  drawRectanglePointerDown,
  drawRectanglePointerMove,
  drawRectanglePointerUp,
  drawRectanglePreview,
  finishRectangle,
  initialDrawRectangleState,
  type DrawRectangleState,
  type DrawRectangleStep,
} from './drawRectangle';

const image = { width: 100, height: 80 };
/** World and screen coincide here (scale 1), which keeps the scripts short. */
const at = (x: number, y: number): Point => ({ x, y });

function press(s: DrawRectangleState, x: number, y: number): DrawRectangleState {
  return drawRectanglePointerDown(s, at(x, y), at(x, y), image);
}
function move(s: DrawRectangleState, x: number, y: number): DrawRectangleState {
  return drawRectanglePointerMove(s, at(x, y), at(x, y), image);
}
function release(s: DrawRectangleState, x: number, y: number): DrawRectangleStep {
  return drawRectanglePointerUp(s, at(x, y), image);
}

describe('drawing a rectangle by dragging', () => {
  it('press, drag and release draws the box between the two points', () => {
    let s = press(initialDrawRectangleState(), 10, 10);
    s = move(s, 30, 25);
    expect(drawRectanglePreview(s)).toEqual([10, 10, 30, 25]);
    const step = release(s, 40, 30);
    expect(step).toMatchObject({ kind: 'finished', points: [10, 10, 40, 30] });
    expect(step.state.phase).toBe('idle');
  });

  it('dragging up and left still gives an ordered box', () => {
    const s = move(press(initialDrawRectangleState(), 50, 50), 20, 10);
    expect(release(s, 20, 10)).toMatchObject({ kind: 'finished', points: [20, 10, 50, 50] });
  });

  it('clamps to the image when dragged outside it', () => {
    const s = move(press(initialDrawRectangleState(), -20, -20), 150, 150);
    expect(release(s, 150, 150)).toMatchObject({ kind: 'finished', points: [0, 0, 100, 80] });
  });

  it('rejects a box under 1 image pixel wide or high', () => {
    const s = move(press(initialDrawRectangleState(), 10, 10), 60, 10.5);
    expect(release(s, 60, 10.5).kind).toBe('rejected');
  });

  it('rejects a box that lies entirely outside the image', () => {
    const s = move(press(initialDrawRectangleState(), 120, 10), 150, 40);
    expect(release(s, 150, 40).kind).toBe('rejected');
  });

  it('shows no preview before the pointer has travelled the drag threshold', () => {
    const s = move(press(initialDrawRectangleState(), 10, 10), 12, 11);
    expect(s.phase).toBe('pressed');
    expect(drawRectanglePreview(s)).toBeNull();
  });
});

describe('drawing a rectangle with two clicks', () => {
  it('a click places the first corner, a second click the opposite one', () => {
    let s = press(initialDrawRectangleState(), 10, 10);
    const first = release(s, 10, 10);
    expect(first.kind).toBe('continue');
    s = first.state;
    expect(s.phase).toBe('awaiting-second-corner');

    s = move(s, 60, 40);
    expect(drawRectanglePreview(s)).toEqual([10, 10, 60, 40]);
    s = press(s, 70, 50);
    expect(release(s, 70, 50)).toMatchObject({ kind: 'finished', points: [10, 10, 70, 50] });
  });

  it('a second click on the first corner draws nothing and starts over', () => {
    const s = release(press(initialDrawRectangleState(), 10, 10), 10, 10).state;
    const step = release(press(s, 10, 10), 10, 10);
    expect(step.kind).toBe('rejected');
    expect(step.state.phase).toBe('idle');
  });

  it('a jitter under the drag threshold still counts as a click', () => {
    const s = move(press(initialDrawRectangleState(), 10, 10), 11, 12);
    expect(release(s, 11, 12).state.phase).toBe('awaiting-second-corner');
  });
});

describe('finishRectangle', () => {
  it('works without an image (no clamping)', () => {
    expect(finishRectangle(at(-5, -5), at(5, 5), null)).toEqual([-5, -5, 5, 5]);
  });

  it('honours a custom minimum size', () => {
    expect(finishRectangle(at(0, 0), at(3, 3), image, 4)).toBeNull();
    expect(finishRectangle(at(0, 0), at(4, 4), image, 4)).toEqual([0, 0, 4, 4]);
  });
});
