import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectFrames } from './frameRange';

describe('selectFrames (start, stop, step)', () => {
  it('keeps every frame by default', () => {
    expect(selectFrames(5, { start: 0, step: 1 })).toEqual({ ok: true, indices: [0, 1, 2, 3, 4] });
  });

  it('keeps start + k·step up to the stop frame, inclusive', () => {
    // CVAT's docs example: step 25 on 100 frames.
    expect(selectFrames(100, { start: 0, step: 25 })).toEqual({ ok: true, indices: [0, 25, 50, 75] });
    expect(selectFrames(10, { start: 2, stop: 8, step: 3 })).toEqual({ ok: true, indices: [2, 5, 8] });
  });

  it('clamps a stop frame past the end', () => {
    expect(selectFrames(4, { start: 1, stop: 99, step: 1 })).toEqual({ ok: true, indices: [1, 2, 3] });
  });

  it('explains invalid ranges', () => {
    expect(selectFrames(10, { start: -1, step: 1 })).toMatchObject({ ok: false });
    expect(selectFrames(10, { start: 0, step: 0 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('step'),
    });
    expect(selectFrames(10, { start: 5, stop: 2, step: 1 })).toMatchObject({ ok: false });
    expect(selectFrames(10, { start: 10, step: 1 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('past the last frame'),
    });
  });

  it('always yields increasing indices inside [start, stop] on the step grid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 499 }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 1, max: 50 }),
        (count, start, extra, step) => {
          const result = selectFrames(count, { start, stop: start + extra, step });
          if (start >= count) return !result.ok;
          if (!result.ok) return false;
          const expected = Math.floor((Math.min(start + extra, count - 1) - start) / step) + 1;
          return (
            result.indices.length === expected &&
            result.indices.every((i, k) => i === start + k * step && i < count && i <= start + extra)
          );
        },
      ),
    );
  });
});
