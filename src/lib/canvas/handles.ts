import type { Point, RectPoints } from './geometry';
import { rotatePoint } from './rotation';

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

function rectCentre([xtl, ytl, xbr, ybr]: RectPoints): Point {
  return { x: (xtl + xbr) / 2, y: (ytl + ybr) / 2 };
}

/** Where a handle of a box rotated clockwise by `degrees` around its centre is drawn. */
export function rotatedHandlePosition(rect: RectPoints, degrees: number, handle: Handle): Point {
  return rotatePoint(handlePosition(rect, handle), rectCentre(rect), degrees);
}

/** `handleAt` for a box rotated by `degrees`: the pointer is taken into the box's own frame. */
export function rotatedHandleAt(
  rect: RectPoints,
  degrees: number,
  p: Point,
  tolerance: number,
): Handle | null {
  return handleAt(rect, rotatePoint(p, rectCentre(rect), -degrees), tolerance);
}

/**
 * `resizeRect` for a box rotated clockwise by `degrees` around its centre. The resize happens in
 * the box's own (unrotated) frame, so the corner or edge opposite the handle stays where it is in
 * the image; the result is the new unrotated box (around its new centre), to be rotated by the
 * same angle.
 */
export function resizeRotatedRect(
  original: RectPoints,
  degrees: number,
  handle: Handle,
  p: Point,
): RectPoints {
  if (degrees === 0) return resizeRect(original, handle, p);
  const c = rectCentre(original);
  const local = resizeRect(original, handle, rotatePoint(p, c, -degrees));
  const lc = rectCentre(local);
  const wc = rotatePoint(lc, c, degrees);
  const hw = (local[2] - local[0]) / 2;
  const hh = (local[3] - local[1]) / 2;
  return [wc.x - hw, wc.y - hh, wc.x + hw, wc.y + hh];
}
