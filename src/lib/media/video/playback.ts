/**
 * Pure playback logic shared by the frame service and the player: which frames to prefetch, and
 * which frame a running clock says should be on screen. No DOM, unit-tested in Node.
 */

/** +1 while playing or stepping forward, -1 while stepping backwards. */
export type Direction = 1 | -1;

/**
 * How many frames to decode ahead: at most `maxFrames`, and never more than half of what the
 * cache holds, so that prefetching cannot evict the frame on screen or the ones just behind it.
 */
export function prefetchCount(frameBytes: number, cacheBytes: number, maxFrames: number): number {
  if (frameBytes <= 0) return Math.max(0, Math.floor(maxFrames));
  const fit = Math.floor(cacheBytes / frameBytes / 2);
  return Math.max(0, Math.min(Math.floor(maxFrames), fit));
}

/**
 * The frames to have ready after showing `current`, nearest first: `count` frames ahead in the
 * direction of travel, clipped to [0, total).
 */
export function prefetchWindow(
  current: number,
  direction: Direction,
  count: number,
  total: number,
): number[] {
  const out: number[] = [];
  for (let k = 1; k <= count; k++) {
    const i = current + direction * k;
    if (i < 0 || i >= total) break;
    out.push(i);
  }
  return out;
}

/**
 * A playback clock: frame = start frame + elapsed time × fps. Frames are never shown early, and
 * when decoding falls behind the clock jumps ahead (the late frames are dropped) instead of
 * slowing the video down.
 */
export class PlaybackClock {
  #fps: number;
  #startFrame = 0;
  #startMs = 0;

  constructor(fps: number) {
    this.#fps = checkFps(fps);
  }

  get fps(): number {
    return this.#fps;
  }

  /** Starts (or restarts) counting from `frame` at time `nowMs`. */
  start(frame: number, nowMs: number): void {
    this.#startFrame = frame;
    this.#startMs = nowMs;
  }

  /** Changes the rate without a jump: the frame due now stays the frame due now. */
  setFps(fps: number, nowMs: number): void {
    const frame = this.frameAt(nowMs);
    this.#fps = checkFps(fps);
    this.start(frame, nowMs);
  }

  /** The frame due at `nowMs` (not clipped to the video's length). */
  frameAt(nowMs: number): number {
    const elapsed = Math.max(0, nowMs - this.#startMs);
    // The epsilon absorbs float error when `nowMs` lands exactly on a frame boundary.
    return this.#startFrame + Math.floor((elapsed * this.#fps) / 1000 + 1e-9);
  }

  /** When the frame after `frame` is due, in the clock's time base. */
  dueAt(frame: number): number {
    return this.#startMs + ((frame - this.#startFrame) * 1000) / this.#fps;
  }
}

/**
 * One playback tick: given the frame on screen and the frame the clock wants, what to fetch.
 * Returns null when nothing new is due; `end` when the clock ran past the last frame.
 */
export function playbackStep(
  shown: number,
  due: number,
  total: number,
): { frame: number; dropped: number; end: boolean } | null {
  const last = total - 1;
  const target = Math.min(due, last);
  if (target <= shown) return due > last ? { frame: last, dropped: 0, end: true } : null;
  return { frame: target, dropped: Math.max(0, target - shown - 1), end: due >= last };
}

function checkFps(fps: number): number {
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`invalid frame rate ${fps}`);
  return fps;
}
