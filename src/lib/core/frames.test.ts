import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultOverlap, formatFrameFilter, parseFrameFilter, splitIntoSegments } from './frames';

describe('splitIntoSegments', () => {
  it('gives one job when the segment size is 0', () => {
    expect(splitIntoSegments(100, 0, 5)).toEqual([{ start_frame: 0, stop_frame: 99 }]);
  });

  it('gives one job when the segment size exceeds the task', () => {
    expect(splitIntoSegments(10, 50, 0)).toEqual([{ start_frame: 0, stop_frame: 9 }]);
  });

  it('splits without overlap', () => {
    expect(splitIntoSegments(10, 4, 0)).toEqual([
      { start_frame: 0, stop_frame: 3 },
      { start_frame: 4, stop_frame: 7 },
      { start_frame: 8, stop_frame: 9 },
    ]);
  });

  it('splits with overlap', () => {
    expect(splitIntoSegments(25, 10, 5)).toEqual([
      { start_frame: 0, stop_frame: 9 },
      { start_frame: 5, stop_frame: 14 },
      { start_frame: 10, stop_frame: 19 },
      { start_frame: 15, stop_frame: 24 },
    ]);
  });

  it('does not start a segment inside the final overlap', () => {
    expect(splitIntoSegments(12, 10, 2)).toEqual([
      { start_frame: 0, stop_frame: 9 },
      { start_frame: 8, stop_frame: 11 },
    ]);
    expect(splitIntoSegments(10, 10, 2)).toEqual([{ start_frame: 0, stop_frame: 9 }]);
  });

  it('caps the overlap at half a segment', () => {
    expect(splitIntoSegments(10, 4, 100)).toEqual([
      { start_frame: 0, stop_frame: 3 },
      { start_frame: 2, stop_frame: 5 },
      { start_frame: 4, stop_frame: 7 },
      { start_frame: 6, stop_frame: 9 },
    ]);
  });

  it('handles one-frame segments and empty tasks', () => {
    expect(splitIntoSegments(3, 1, 5)).toEqual([
      { start_frame: 0, stop_frame: 0 },
      { start_frame: 1, stop_frame: 1 },
      { start_frame: 2, stop_frame: 2 },
    ]);
    expect(splitIntoSegments(0, 10, 0)).toEqual([]);
    expect(splitIntoSegments(1, 0, 5)).toEqual([{ start_frame: 0, stop_frame: 0 }]);
  });

  it('rejects negative or fractional arguments', () => {
    expect(() => splitIntoSegments(-1, 0, 0)).toThrow(RangeError);
    expect(() => splitIntoSegments(10, 2.5, 0)).toThrow(RangeError);
    expect(() => splitIntoSegments(10, 2, -1)).toThrow(RangeError);
  });

  it('property: segments cover every frame, in order, with the expected overlap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 60 }),
        (size, segmentSize, overlap) => {
          const segments = splitIntoSegments(size, segmentSize, overlap);
          const length = segmentSize === 0 || segmentSize > size ? size : segmentSize;
          const effectiveOverlap = Math.min(overlap, Math.floor(length / 2));
          expect(segments.length).toBeGreaterThan(0);
          expect(segments[0]!.start_frame).toBe(0);
          expect(segments.at(-1)!.stop_frame).toBe(size - 1);
          segments.forEach((segment, index) => {
            expect(segment.start_frame).toBeLessThanOrEqual(segment.stop_frame);
            expect(segment.stop_frame - segment.start_frame + 1).toBeLessThanOrEqual(length);
            const next = segments[index + 1];
            if (next) {
              expect(segment.stop_frame - segment.start_frame + 1).toBe(length);
              expect(next.start_frame).toBe(segment.start_frame + length - effectiveOverlap);
              // the next segment adds frames beyond this one
              expect(next.stop_frame).toBeGreaterThan(segment.stop_frame);
            }
          });
        },
      ),
    );
  });
});

describe('defaultOverlap', () => {
  it('is 5 for video (interpolation) and 0 for images (annotation)', () => {
    expect(defaultOverlap('interpolation')).toBe(5);
    expect(defaultOverlap('annotation')).toBe(0);
  });
});

describe('parseFrameFilter', () => {
  it('reads step=N with optional spaces', () => {
    expect(parseFrameFilter('step=3')).toEqual({ ok: true, step: 3 });
    expect(parseFrameFilter(' step = 10 ')).toEqual({ ok: true, step: 10 });
  });

  it('treats an empty filter as every frame', () => {
    expect(parseFrameFilter('')).toEqual({ ok: true, step: 1 });
    expect(parseFrameFilter('  ')).toEqual({ ok: true, step: 1 });
  });

  it('rejects anything else with a message', () => {
    for (const bad of ['step=0', 'step=-2', 'step=1.5', 'stride=2', 'step=2;x', 'step=']) {
      const result = parseFrameFilter(bad);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain('step=N');
    }
  });

  it('round-trips with formatFrameFilter', () => {
    expect(formatFrameFilter(1)).toBe('');
    expect(formatFrameFilter(4)).toBe('step=4');
    expect(parseFrameFilter(formatFrameFilter(7))).toEqual({ ok: true, step: 7 });
    expect(() => formatFrameFilter(0)).toThrow(RangeError);
  });
});
