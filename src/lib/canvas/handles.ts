import type { Point, RectPoints } from './geometry';

export const HANDLES = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'] as const;
/** A resize handle of a rectangle, named by compass direction (north is up, `ytl`). */
export type Handle = (typeof HANDLES)[number];

export const HANDLE_CURSORS: Record<Handle, string> = {
  nw: 'nwse-resize',
  se: 'nwse-resize',
  ne: 'nesw-resize',
  sw: 'nesw-resize',
  n: 'ns-resize',
  s: 'ns-resize',
  e: 'ew-resize',
  w: 'ew-resize',
};

export function handlePosition([xtl, ytl, xbr, ybr]: RectPoints, handle: Handle): Point {
  const cx = (xtl + xbr) / 2;
  const cy = (ytl + ybr) / 2;
  const x = handle.includes('w') ? xtl : handle.includes('e') ? xbr : cx;
  const y = handle.startsWith('n') ? ytl : handle.startsWith('s') ? ybr : cy;
  return { x, y };
}

/** The handle within `tolerance` (world units) of `p`; corners win over edge midpoints. */
export function handleAt(rect: RectPoints, p: Point, tolerance: number): Handle | null {
  let best: Handle | null = null;
  let bestDistance = Infinity;
  for (const handle of HANDLES) {
    const h = handlePosition(rect, handle);
    const d = Math.max(Math.abs(h.x - p.x), Math.abs(h.y - p.y));
    const corner = handle.length === 2;
    if (d <= tolerance && (d < bestDistance || (corner && d === bestDistance))) {
      best = handle;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The rectangle after dragging `handle` of `original` to `p`: the edges the handle owns follow the
 * pointer, the others stay. Dragging past the opposite edge flips the box instead of inverting it.
 */
export function resizeRect(original: RectPoints, handle: Handle, p: Point): RectPoints {
  let [x1, y1, x2, y2] = original;
  if (handle.includes('w')) x1 = p.x;
  if (handle.includes('e')) x2 = p.x;
  if (handle.startsWith('n')) y1 = p.y;
  if (handle.startsWith('s')) y2 = p.y;
  return [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)];
}
