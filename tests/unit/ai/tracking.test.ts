/** Trackers: TrackerMIL on a synthetic moving square, the track it becomes, and SAM propagation. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenCv } from '$lib/ai/cv/opencv';
import { MilTracker, type Box } from '$lib/ai/cv/tracker';
import { trackFromBoxes } from '$lib/ai/tracking/trackFromBoxes';
import { propagateMask } from '$lib/ai/tracking/propagate';
import { loadOpenCvInNode, rgbaScene } from './cvFixtures';

let cv: OpenCv;
beforeAll(async () => {
  cv = await loadOpenCvInNode();
}, 60_000);

const W = 320;
const H = 240;
const squareAt = (x: number, y: number) =>
  rgbaScene(W, H, [{ x, y, w: 50, h: 50, color: [220, 180, 40] }], x + y);

describe('TrackerMIL', () => {
  it('follows a square moving 5 px per frame to within a few pixels', () => {
    const tracker = new MilTracker(cv, squareAt(40, 60), W, H, [40, 60, 90, 110]);
    try {
      for (let k = 1; k <= 12; k++) {
        const x = 40 + 5 * k;
        const y = 60 + 2 * k;
        const box = tracker.update(squareAt(x, y), W, H);
        expect(box, `frame ${k}`).not.toBeNull();
        const [x1, y1, x2, y2] = box!;
        expect(Math.abs(x1 - x), `x on frame ${k}`).toBeLessThanOrEqual(6);
        expect(Math.abs(y1 - y), `y on frame ${k}`).toBeLessThanOrEqual(6);
        expect(x2 - x1).toBe(50);
        expect(y2 - y1).toBe(50);
      }
    } finally {
      tracker.delete();
    }
  });

  it('rejects a degenerate box and a frame of another size', () => {
    expect(() => new MilTracker(cv, squareAt(40, 60), W, H, [40, 60, 41, 110])).toThrow(/at least 2 pixels/);
    const tracker = new MilTracker(cv, squareAt(40, 60), W, H, [40, 60, 90, 110]);
    expect(() => tracker.update(new Uint8Array(4 * 10 * 10), 10, 10)).toThrow(/frame size changed/);
    tracker.delete();
  });
});

describe('tracks from tracked boxes', () => {
  it('has a keyframe per frame and ends with an outside keyframe where the object was lost', () => {
    const boxes: Array<Box | null> = [[0, 0, 10, 10], [1, 0, 11, 10], [2.123, 0, 12, 10], null, [5, 5, 9, 9]];
    const track = trackFromBoxes({ jobId: 'j', labelId: 'l', startFrame: 7, boxes });
    expect(track.frame).toBe(7);
    expect(track.source).toBe('semi-auto');
    expect(track.shapes.map((s) => [s.frame, s.outside])).toEqual([
      [7, false],
      [8, false],
      [9, false],
      [10, true],
    ]);
    expect(track.shapes[2]!.points).toEqual([2.12, 0, 12, 10]);
    expect(track.shapes[3]!.points).toEqual(track.shapes[2]!.points);
    expect(() => trackFromBoxes({ jobId: 'j', labelId: 'l', startFrame: 0, boxes: [null] })).toThrow();
  });
});

describe('mask propagation', () => {
  /** A segmenter that "finds" a 10x10 square 2 px right of the prompt box's left edge + margin. */
  const w = 60;
  const h = 20;
  const square = (x: number) => {
    const b = new Uint8Array(w * h);
    for (let y = 5; y < 15; y++) for (let i = x; i < x + 10 && i < w; i++) b[y * w + i] = 1;
    return b;
  };

  it('prompts each next frame with the previous mask until the target frame', async () => {
    const prompts: Array<[number, number]> = [];
    const steps = [];
    for await (const step of propagateMask({
      fromFrame: 3,
      toFrame: 6,
      initial: { bitmap: square(0), width: w, height: h },
      skip: (f) => f === 5,
      segment: async (frame, prompt) => {
        const click = prompt.clicks[0]!;
        prompts.push([frame, Math.round(click.x)]);
        return { bitmap: square(Math.round(click.x) - 5 + 3), width: w, height: h, score: 0.9 };
      },
    }))
      steps.push(step.frame);
    expect(steps).toEqual([4, 6]);
    // The interior point of the 10-wide square starting at x is about x + 5.
    expect(prompts[0]![0]).toBe(4);
    expect(Math.abs(prompts[0]![1] - 5)).toBeLessThanOrEqual(1);
    expect(Math.abs(prompts[1]![1] - 8)).toBeLessThanOrEqual(1);
  });

  it('stops on an empty or low-confidence result and on cancel', async () => {
    const run = async (result: { bitmap: Uint8Array; score: number }, signal?: AbortSignal) => {
      const frames: number[] = [];
      for await (const s of propagateMask({
        fromFrame: 0,
        toFrame: 10,
        initial: { bitmap: square(0), width: w, height: h },
        signal,
        segment: async () => ({ ...result, width: w, height: h }),
      }))
        frames.push(s.frame);
      return frames;
    };
    expect(await run({ bitmap: new Uint8Array(w * h), score: 0.9 })).toEqual([]);
    expect(await run({ bitmap: square(2), score: 0.2 })).toEqual([]);
    const abort = new AbortController();
    abort.abort();
    expect(await run({ bitmap: square(2), score: 0.9 }, abort.signal)).toEqual([]);
    expect(await run({ bitmap: square(2), score: 0.9 })).toHaveLength(10);
  });
});
