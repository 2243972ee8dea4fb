import type { TaskMode } from './types';

export interface SegmentRange {
  /** Task-global, inclusive. */
  start_frame: number;
  stop_frame: number;
}

/** CVAT's default overlap when a task doesn't set one: 5 frames for video, 0 for images. */
export function defaultOverlap(mode: TaskMode): number {
  return mode === 'interpolation' ? 5 : 0;
}

/**
 * Splits `size` frames into job segments the way CVAT does: a segment size of 0 (or one larger
 * than the task) gives one job; the overlap is capped at half a segment; consecutive segments
 * start `segmentSize - overlap` frames apart, and no segment starts inside the last overlap.
 */
export function splitIntoSegments(size: number, segmentSize: number, overlap: number): SegmentRange[] {
  requireCount('size', size);
  requireCount('segmentSize', segmentSize);
  requireCount('overlap', overlap);
  if (size === 0) return [];

  const length = segmentSize === 0 || segmentSize > size ? size : segmentSize;
  const effectiveOverlap = Math.min(overlap, Math.floor(length / 2));
  const step = length - effectiveOverlap;
  const segments: SegmentRange[] = [];
  for (let start = 0; start < size - effectiveOverlap; start += step) {
    segments.push({ start_frame: start, stop_frame: Math.min(start + length - 1, size - 1) });
  }
  return segments;
}

function requireCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

export type FrameFilterResult = { ok: true; step: number } | { ok: false; message: string };

const STEP_FILTER = /^\s*step\s*=\s*(\d+)\s*$/;

/** Parses CVAT's frame filter. The only syntax is `step=N` (N ≥ 1); empty means every frame. */
export function parseFrameFilter(filter: string): FrameFilterResult {
  if (filter.trim() === '') return { ok: true, step: 1 };
  const match = STEP_FILTER.exec(filter);
  const step = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(step) || step < 1) {
    return { ok: false, message: `frame filter must be "step=N" with N ≥ 1, got "${filter}"` };
  }
  return { ok: true, step };
}

/** The frame filter string for a step; step 1 is the empty filter. */
export function formatFrameFilter(step: number): string {
  if (!Number.isSafeInteger(step) || step < 1) throw new RangeError(`step must be ≥ 1, got ${step}`);
  return step === 1 ? '' : `step=${step}`;
}
