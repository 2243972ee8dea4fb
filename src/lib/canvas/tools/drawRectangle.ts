import {
  clampPointToImage,
  clampRectToImage,
  rectFromCorners,
  type Point,
  type RectPoints,
  type Size,
} from '../geometry';

/**
 * Drawing a rectangle, either by press-drag-release or by CVAT's two clicks (one corner, then
 * the opposite one). Pure state: the engine feeds it world points and screen distances.
 */
export type DrawRectanglePhase =
  /** Nothing started. */
  | 'idle'
  /** Button down on the first corner; not yet known whether this is a drag or a click. */
  | 'pressed'
  /** Dragging out the box. */
  | 'dragging'
  /** First corner placed by a click; the next click places the opposite corner. */
  | 'awaiting-second-corner';

export interface DrawRectangleState {
  phase: DrawRectanglePhase;
  /** First corner, world coordinates. */
  start: Point | null;
  /** Current pointer, world coordinates. */
  current: Point | null;
  /** Screen position of the press, to tell a click from a drag. */
  pressScreen: Point | null;
}

export interface DrawRectangleOptions {
  /** Screen pixels the pointer must travel before a press becomes a drag. */
  dragThreshold: number;
  /** Minimum width and height, image pixels. */
  minSize: number;
}

export const DEFAULT_DRAW_RECTANGLE_OPTIONS: DrawRectangleOptions = { dragThreshold: 4, minSize: 1 };

export type DrawRectangleStep =
  | { kind: 'continue'; state: DrawRectangleState }
  | { kind: 'finished'; state: DrawRectangleState; points: RectPoints }
  | { kind: 'rejected'; state: DrawRectangleState };

export function initialDrawRectangleState(): DrawRectangleState {
  return { phase: 'idle', start: null, current: null, pressScreen: null };
}

function clampIfImage(p: Point, image: Size | null): Point {
  return image ? clampPointToImage(p, image) : p;
}

export function drawRectanglePointerDown(
  state: DrawRectangleState,
  world: Point,
  screen: Point,
  image: Size | null,
): DrawRectangleState {
  const p = clampIfImage(world, image);
  if (state.phase === 'awaiting-second-corner') return { ...state, current: p, pressScreen: screen };
  return { phase: 'pressed', start: p, current: p, pressScreen: screen };
}

export function drawRectanglePointerMove(
  state: DrawRectangleState,
  world: Point,
  screen: Point,
  image: Size | null,
  options: DrawRectangleOptions = DEFAULT_DRAW_RECTANGLE_OPTIONS,
): DrawRectangleState {
  if (state.phase === 'idle') return state;
  const p = clampIfImage(world, image);
  if (state.phase === 'pressed' && state.pressScreen) {
    const moved = Math.hypot(screen.x - state.pressScreen.x, screen.y - state.pressScreen.y);
    return { ...state, current: p, phase: moved >= options.dragThreshold ? 'dragging' : 'pressed' };
  }
  return { ...state, current: p };
}

export function drawRectanglePointerUp(
  state: DrawRectangleState,
  world: Point,
  image: Size | null,
  options: DrawRectangleOptions = DEFAULT_DRAW_RECTANGLE_OPTIONS,
): DrawRectangleStep {
  const p = clampIfImage(world, image);
  switch (state.phase) {
    case 'idle':
      return { kind: 'continue', state };
    case 'pressed':
      // A click without a drag places the first corner of the two-click method.
      return {
        kind: 'continue',
        state: { ...state, phase: 'awaiting-second-corner', current: p, pressScreen: null },
      };
    case 'dragging':
    case 'awaiting-second-corner': {
      const done = initialDrawRectangleState();
      if (!state.start) return { kind: 'rejected', state: done };
      const points = finishRectangle(state.start, p, image, options.minSize);
      return points ? { kind: 'finished', state: done, points } : { kind: 'rejected', state: done };
    }
  }
}

/** The box between two corners, clamped to the image; null when narrower or lower than `minSize`. */
export function finishRectangle(a: Point, b: Point, image: Size | null, minSize = 1): RectPoints | null {
  const raw = rectFromCorners(a, b);
  const rect = image ? clampRectToImage(raw, image) : raw;
  if (rect[2] - rect[0] < minSize || rect[3] - rect[1] < minSize) return null;
  return rect;
}

/** The box to show while drawing, or null when there is nothing to show yet. */
export function drawRectanglePreview(state: DrawRectangleState): RectPoints | null {
  if (!state.start || !state.current || state.phase === 'idle' || state.phase === 'pressed') return null;
  return rectFromCorners(state.start, state.current);
}
