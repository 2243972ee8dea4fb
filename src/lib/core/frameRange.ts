/**
 * CVAT's start frame, stop frame and frame step: which source frames a task keeps.
 * The kept frames are `start + k·step` up to and including `stop`.
 */
export interface FrameRange {
  /** First source frame, 0-based. */
  start: number;
  /** Last source frame, inclusive; omitted means the last one. */
  stop?: number;
  /** Keep every `step`-th frame; 1 keeps all. */
  step: number;
}

export type FrameRangeResult = { ok: true; indices: number[] } | { ok: false; message: string };

/** The source indices kept out of `count` frames, or why the range is invalid. */
export function selectFrames(count: number, range: FrameRange): FrameRangeResult {
  const { start, step } = range;
  const stop = range.stop ?? count - 1;
  if (!Number.isInteger(start) || start < 0)
    return { ok: false, message: 'The start frame must be 0 or more.' };
  if (!Number.isInteger(step) || step < 1) return { ok: false, message: 'The frame step must be 1 or more.' };
  if (start >= count) {
    return { ok: false, message: `The start frame (${start}) is past the last frame (${count - 1}).` };
  }
  if (!Number.isInteger(stop) || stop < start) {
    return { ok: false, message: `The stop frame (${stop}) must not be before the start frame (${start}).` };
  }
  const last = Math.min(stop, count - 1);
  const indices: number[] = [];
  for (let i = start; i <= last; i += step) indices.push(i);
  return { ok: true, indices };
}
