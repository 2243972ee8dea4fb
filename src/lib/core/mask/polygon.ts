/**
 * Polygon to mask. Polygon points are flat `[x0, y0, x1, y1, …]` in image coordinates, where
 * pixel (x, y) covers [x, x + 1) x [y, y + 1). A pixel is inside when its centre is inside the
 * polygon by the even-odd rule (the same as nonzero for simple polygons).
 */
import { encodeMask, tsKernels, type MaskBox, type MaskKernels } from './rle';

/**
 * Sets (`value` 1) or clears (`value` 0) the pixels of a `width` x `height` bitmap whose centres
 * are inside the polygon. Returns the box of the rows and columns it could have touched, or null
 * when the polygon covers no pixel centre of the image.
 */
export function rasterizePolygon(
  target: Uint8Array,
  width: number,
  height: number,
  polygon: ArrayLike<number>,
  value: 0 | 1 = 1,
): MaskBox | null {
  const n = polygon.length >> 1;
  if (n < 3) return null;
  let minY = Infinity;
  let maxY = -Infinity;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = polygon[2 * i]!;
    const y = polygon[2 * i + 1]!;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
  }
  const y0 = Math.max(0, Math.ceil(minY - 0.5));
  const y1 = Math.min(height - 1, Math.floor(maxY - 0.5));
  if (y1 < y0) return null;

  // Edges sorted by their upper end, so each row only looks at the edges that can cross it.
  const edges: Array<{ yTop: number; yBottom: number; x: number; slope: number }> = [];
  for (let i = 0; i < n; i++) {
    const ax = polygon[2 * i]!;
    const ay = polygon[2 * i + 1]!;
    const j = (i + 1) % n;
    const bx = polygon[2 * j]!;
    const by = polygon[2 * j + 1]!;
    if (ay === by) continue;
    const [tx, ty, bx2, by2] = ay < by ? [ax, ay, bx, by] : [bx, by, ax, ay];
    edges.push({ yTop: ty, yBottom: by2, x: tx, slope: (bx2 - tx) / (by2 - ty) });
  }
  edges.sort((a, b) => a.yTop - b.yTop);

  let next = 0;
  let active: typeof edges = [];
  const xs: number[] = [];
  let touchedLeft = width;
  let touchedRight = -1;
  for (let y = y0; y <= y1; y++) {
    const yc = y + 0.5;
    while (next < edges.length && edges[next]!.yTop <= yc) active.push(edges[next++]!);
    // Half-open: an edge counts on rows with yTop <= yc < yBottom.
    active = active.filter((e) => e.yBottom > yc);
    xs.length = 0;
    for (const e of active) xs.push(e.x + (yc - e.yTop) * e.slope);
    xs.sort((a, b) => a - b);
    const row = y * width;
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const to = Math.min(width, Math.ceil(xs[k + 1]! - 0.5));
      if (to > from) {
        target.fill(value, row + from, row + to);
        if (from < touchedLeft) touchedLeft = from;
        if (to - 1 > touchedRight) touchedRight = to - 1;
      }
    }
  }
  if (touchedRight < touchedLeft) return null;
  return { left: touchedLeft, top: y0, right: touchedRight, bottom: y1 };
}

/**
 * CVAT mask points for the union of polygons (each filled by the even-odd rule) on a
 * `width` x `height` image; null when they cover no pixel.
 */
export function polygonsToMask(
  polygons: ReadonlyArray<ArrayLike<number>>,
  width: number,
  height: number,
  kernels: MaskKernels = tsKernels,
): number[] | null {
  const bitmap = new Uint8Array(width * height);
  let box: MaskBox | null = null;
  for (const polygon of polygons) {
    const b = rasterizePolygon(bitmap, width, height, polygon, 1);
    if (!b) continue;
    box = box
      ? {
          left: Math.min(box.left, b.left),
          top: Math.min(box.top, b.top),
          right: Math.max(box.right, b.right),
          bottom: Math.max(box.bottom, b.bottom),
        }
      : b;
  }
  return box ? encodeMask(bitmap, width, height, kernels, box) : null;
}

/** CVAT mask points for one polygon on a `width` x `height` image; null when it covers no pixel. */
export function polygonToMask(
  polygon: ArrayLike<number>,
  width: number,
  height: number,
  kernels: MaskKernels = tsKernels,
): number[] | null {
  return polygonsToMask([polygon], width, height, kernels);
}

/** Signed area of a flat polygon (positive when clockwise on screen, y down). */
export function polygonArea(polygon: ArrayLike<number>): number {
  const n = polygon.length >> 1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    sum += polygon[2 * i]! * polygon[2 * j + 1]! - polygon[2 * j]! * polygon[2 * i + 1]!;
  }
  return sum / 2;
}
